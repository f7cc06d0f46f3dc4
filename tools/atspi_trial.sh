#!/bin/sh
# The AT-SPI trial of issue 19, repeatable: the window under a real X server (Xvfb at
# 1024x600), on its own D-Bus session bus with the AT-SPI bus, walked with
# tools/atspi_walk.py (system python3 + pyatspi) as the Orca screen reader would.
#
#   apt-get install at-spi2-core python3-pyatspi xvfb dbus-x11 xdotool libxcb-cursor0
#   sh tools/atspi_trial.sh            (from the repository; writes to a temporary directory)
#
# The window gets a throwaway data directory (UNITCALC_DATA_DIR) and settings
# (XDG_CONFIG_HOME), accessibility on (QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1). Every process
# it starts is stopped at the end. Exit status: the number of checks that failed.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d /tmp/unitcalc-atspi.XXXXXX)
chmod 700 "$scratch"
walk="/usr/bin/python3 $repo/tools/atspi_walk.py"
display=:${ATSPI_DISPLAY:-93}
failed=0

Xvfb "$display" -screen 0 1024x600x24 -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY="$display"
eval "$(dbus-launch --sh-syntax)"
/usr/libexec/at-spi-bus-launcher --launch-immediately >"$scratch/bus.log" 2>&1 &
bus=$!
mkdir -p "$scratch/config/unitcalc" "$scratch/data"
printf '[setup]\ndone=true\n' >"$scratch/config/unitcalc/unitcalc.ini"
sleep 2
(
    cd "$repo" || exit 1
    unset UNITCALC_DATABASE
    XDG_CONFIG_HOME="$scratch/config" UNITCALC_DATA_DIR="$scratch/data" \
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_ACCESSIBILITY=1 QT_QPA_PLATFORM=xcb \
        exec uv run main.py >"$scratch/app.log" 2>&1
) &
app=$!

stop() {
    kill "$app" "$bus" "$xvfb" "$DBUS_SESSION_BUS_PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$scratch"
}
trap stop EXIT

check() { # a title, then the command; counts the failures
    title=$1
    shift
    echo "== $title"
    timeout 120 "$@" || { failed=$((failed + 1)); echo "   FAILED: $title"; }
}
focus_main() {
    xdotool search --sync --name 'unitcalc:' windowfocus --sync >/dev/null 2>&1
    sleep 0.5
}
open_dialog() { # keys that open the dialog (xdotool key arguments), its title
    focus_main
    xdotool key $1
    xdotool search --sync --name "$2" windowfocus --sync >/dev/null 2>&1
    sleep 1.5
}
close_dialog() {
    xdotool key Escape
    sleep 1
}

xdotool search --sync --name 'unitcalc:' >/dev/null 2>&1
sleep 4  # the engine loads after the first paint
check "main window: names" $walk walk
check "main window: the answer before a dose" $walk answer
focus_main
$walk listen --field "Dose ordered" --keys 12 --seconds 1 >/dev/null
$walk listen --field "Amount administered" --keys 12 --seconds 1 >/dev/null
check "the answer is announced" $walk listen --field "Vial size" --keys 10 --seconds 3
check "main window: the answer as text" $walk answer
check "main window: names with a dose" $walk walk
check "main window: what each Tab lands on" $walk tabs --field Concentration --count 48

open_dialog "alt+t Down Return" "Create the administrator"
check "Create administrator: names" $walk walk --window "Create the administrator"
check "PIN field: nothing typed is heard" \
    $walk pin --window "Create the administrator" --field PIN --keys 4821
type_into() { # the dialog's title, the field's name, what to type
    $walk listen --window "$1" --field "$2" --keys "$3" --seconds 0.5 >/dev/null
}
type_into "Create the administrator" PIN 1  # 4821 again after the BackSpace
type_into "Create the administrator" "PIN again" 4821
type_into "Create the administrator" "Account name" admin1
type_into "Create the administrator" "Full name" Admin
xdotool key Return
sleep 2
open_dialog "alt+t i" "Sign in"
check "Sign in (PIN dialog): names" $walk walk --window "Sign in"
check "Sign in: nothing typed in its PIN is heard" \
    $walk pin --window "Sign in" --field PIN --keys 4821
close_dialog
open_dialog "alt+t p" "Pending verification"
check "Pending verification: names" $walk walk --window "Pending verification"
close_dialog
open_dialog "ctrl+comma" "Settings"
check "Settings: names" $walk walk --window "Settings"
close_dialog
open_dialog "ctrl+h" "History"
check "History: names" $walk walk --window "History"
close_dialog
open_dialog "alt+t Return" "Audit"
check "Audit: names" $walk walk --window "Audit"
close_dialog
echo "$failed checks failed (log of the window: $scratch/app.log while it runs)"
exit "$failed"
