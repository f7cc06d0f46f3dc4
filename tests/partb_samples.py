"""CMS rows in the published layouts (``tests.cms_samples``) for the Part B drugs of
issue 20. Descriptors and package columns as the files write them; the payment limits
are made up for the tests (never real prices)."""

from __future__ import annotations

PRICING_ROWS = (
    "J9271,Inj pembrolizumab,1 MG,58.123,,,,,,",
    "J9035,Inj bevacizumab 10 mg,10 MG,71.5,,,,,,",
    "J1745,Infliximab not biosimil 10mg,10MG,40.25,,,,,,",
    "J9312,Inj rituximab 10 mg,10 MG,95.75,,,,,,",
    '"J0585","Injection,onabotulinumtoxina","1 UNIT",6.5,,,,,,',
    "J0897,Inj denosumab 1 mg,1 MG,18.2,,,,,,",
    "J2796,Inj romiplostim 10 mcg,10 MCG,112.5,,,,,,",
    'J7192,Factor viii recomb nos,"1,000 IU",1.2,,,,,,',
    "J1410,Inj estrogen conjugate 25 MG,25 MG,310.125,,,,,,",
    "J7999,Compounded drug noc,EA,,,,,,,",
    "A4222,Infusion supplies w pump,1 KIT,,,,,,,",
    "J3490,Unclassified drugs,,,,,,,,",
)

#: (code, NDC, the rest) as ``tests.cms_samples.crosswalk_csv`` takes them: short
#: description, labeler, drug name, dosage, PKG SIZE, PKG QTY, BILLUNITS, BILLUNITSPKG.
CROSSWALK_ROWS = (
    (
        "J9271",
        "00006-3026-02",
        "Inj pembrolizumab,Merck Sharp & Dohme LLC,Keytruda,1 MG,4,1,100,100",
    ),
    (
        "J9271",
        "00006-3026-04",
        "Inj pembrolizumab,Merck Sharp & Dohme LLC,Keytruda,1 MG,4,2,100,200",
    ),
    ("J9312", "50242-0051-21", "Inj rituximab 10 mg,Genentech Inc.,Rituxan,10 MG,10,1,10,10"),
    ("J9312", "50242-0053-06", "Inj rituximab 10 mg,Genentech Inc.,Rituxan,10 MG,50,1,50,50"),
    ("J9035", "50242-0060-01", "Inj bevacizumab 10 mg,Genentech Inc.,Avastin,10 MG,4,1,10,10"),
    ("J9035", "50242-0061-01", "Inj bevacizumab 10 mg,Genentech Inc.,Avastin,10 MG,16,1,40,40"),
    (
        "J1745",
        "57894-0030-01",
        "Infliximab not biosimil 10mg,Janssen Biotech Inc.,Remicade,10 MG,1,1,10,10",
    ),
    (
        "J0585",
        "00023-1145-01",
        '"Injection,onabotulinumtoxina",Allergan Inc.,Botox,1 UNIT,1,1,100,100',
    ),
    ("J0897", "55513-0730-01", "Inj denosumab 1 mg,Amgen Inc,Xgeva,1 MG,1.7,1,120,120"),
    ("J2796", "55513-0221-01", "Inj romiplostim 10 mcg,Amgen Inc,Nplate,10 MCG,1,1,12.5,12.5"),
    # A row whose package columns cannot be read as a vial's amount.
    ("J9271", "99999-0001-01", "Inj pembrolizumab,Sample Labeler,Sample,1 MG,4,see label,,"),
    # An NDC of a code whose descriptor is not an amount.
    ("J7999", "99999-0002-01", "Compounded drug noc,Sample Labeler,Sample,EA,1,1,1,1"),
)
