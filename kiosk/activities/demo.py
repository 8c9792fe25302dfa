"""The demo week: real activities from the Götene and Karlsborg/Undenäs reports.

Owns the demo data loaded by `motesplats demo` and on first start with an empty store, so the
board is never empty. Dates are laid relative to the current week, so the demo always shows
a full week. Ids are fixed (`demo-…`), so loading again updates the demo and never touches
anything a volunteer created.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from kiosk.activities.book import ActivityBook
from kiosk.activities.model import (
    Activity,
    Organiser,
    Override,
    Place,
    SignupSettings,
    SiteSettings,
    recurrence_id,
)
from kiosk.activities.recurrence import expand


def _osm(query: str) -> str:
    return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"


PLACES = [
    Place(
        "demo-bibliotek",
        "Götene bibliotek",
        "Kommunhuset, Götene",
        "Läsesalen",
        _osm("Götene bibliotek"),
    ),
    Place(
        "demo-medborgarkontor",
        "Medborgarkontoret",
        "Kommunhuset, Götene",
        "Sal 2",
        _osm("Götene kommunhus"),
    ),
    Place(
        "demo-forsamlingshem",
        "Götene församlingshem",
        "Götene",
        "Stora salen och köket",
        _osm("Götene församlingshem"),
    ),
    Place("demo-simhall", "Götene simhall", "Götene", "", _osm("Götene simhall")),
    Place("demo-ip", "Götene IP", "Götene", "Konstgräsplanen", _osm("Götene idrottsplats")),
    Place(
        "demo-karlsborg",
        "Karlsborgs församlingshem",
        "Karlsborg",
        "Caféet",
        _osm("Karlsborg församlingshem"),
    ),
    Place("demo-undenas", "Undenäs byahus", "Undenäs", "", _osm("Undenäs bygdegård")),
]

ORGANISERS = [
    Organiser(
        "demo-kommun",
        "Götene kommun – Mötesplatsen",
        {
            "sv": "Kommunens mötesplats i biblioteket och medborgarkontoret.",
            "en": "The municipality's meeting place in the library and citizens' office.",
        },
        "Amira (kulturtolk)",
        "0511-38 60 00",
    ),
    Organiser(
        "demo-rodakorset",
        "Röda Korset Götene",
        {
            "sv": "Läxhjälp, cykelkurs och språkträning med frivilliga.",
            "en": "Homework help, cycling and language practice with volunteers.",
        },
        "Birgitta",
        "070-123 45 67",
        "https://www.rodakorset.se/",
        {
            "sv": "Barn och unga som vill ha läxhjälp, och vuxna som vill öva svenska eller cykla.",
            "en": "Children and young people who want homework help; adults practising Swedish.",
            "ar": "الأطفال والشباب الذين يريدون مساعدة في الواجبات، "
            "والكبار الذين يتدربون على السويدية.",
        },
    ),
    Organiser(
        "demo-kyrkan",
        "Svenska kyrkan Götene",
        {
            "sv": "Församlingshemmet är öppet för alla: matlagning och samtal.",
            "en": "The parish hall is open to all: cooking and conversation.",
        },
        "Karin (diakon)",
        "0511-510 00",
    ),
    Organiser(
        "demo-excorde",
        "Ex Corde Karlsborg",
        {
            "sv": "Ideell förening som driver språkcafé varje söndag.",
            "en": "Volunteer association running a language café every Sunday.",
        },
        "Johan",
        "070-234 56 78",
    ),
    Organiser(
        "demo-vuxenskolan",
        "Studieförbundet Vuxenskolan",
        {
            "sv": "Studiecirklar och kurser: körkortsteori, data, 'Mat hos mig'.",
            "en": "Study circles and courses: driving theory, computers, 'Food at my place'.",
        },
        "Lena",
        "0511-123 45",
    ),
    Organiser(
        "demo-stodgruppen",
        "Stödgruppen",
        {
            "sv": "Nyanlända och etablerade svenskar tillsammans; kvinnogruppen.",
            "en": "Newcomers and established Swedes together; the women's group.",
        },
        "Fatima",
        "073-345 67 89",
    ),
    Organiser(
        "demo-raddabarnen",
        "Rädda Barnen Karlsborg",
        {
            "sv": "Lek och aktiviteter för barn och familjer.",
            "en": "Play and activities for children and families.",
        },
        "Sara",
        "070-456 78 90",
    ),
    Organiser(
        "demo-goteneif",
        "Götene IF",
        {
            "sv": "Fotbollsklubb med lag för alla åldrar.",
            "en": "Football club with teams for all ages.",
        },
        "Ahmed (ungdomstränare)",
        "070-567 89 01",
    ),
]

SITE = SiteSettings(
    name="Mötesplats Götene",
    municipality="Götene kommun",
    opening_hours=[
        [0, "10:00", "18:00"],
        [1, "10:00", "18:00"],
        [2, "10:00", "18:00"],
        [3, "10:00", "19:00"],
        [4, "10:00", "15:00"],
    ],
)


def _at(day: datetime, hhmm: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day.date(), time(hours, minutes), zone)


def build_activities(today: datetime) -> list[Activity]:
    """The demo activities, laid out around the week that contains `today` (local, aware)."""
    zone = today.tzinfo
    assert isinstance(zone, ZoneInfo)
    monday = today - timedelta(days=today.weekday())

    def series(
        weekday: int, start: str, end: str, *, interval: int = 1, weeks: int = 20, **fields: object
    ) -> Activity:
        first = monday - timedelta(weeks=3) + timedelta(days=weekday)
        stop = (monday + timedelta(weeks=weeks)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        rule = f"FREQ=WEEKLY;INTERVAL={interval};UNTIL={stop}"
        return Activity(
            start=_at(first, start, zone),
            end=_at(first, end, zone),
            rrule=rule,
            tz=zone.key,
            **fields,
        )  # type: ignore[arg-type]

    def next_weekday(weekday: int) -> datetime:
        return today + timedelta(days=(weekday - today.weekday()) % 7)

    def once(weekday: int, start: str, end: str, **fields: object) -> Activity:
        day = next_weekday(weekday)
        return Activity(start=_at(day, start, zone), end=_at(day, end, zone), tz=zone.key, **fields)  # type: ignore[arg-type]

    activities = [
        series(
            6,
            "17:00",
            "19:00",
            id="demo-sprakcafe@motesplats",
            title={
                "sv": "Språkcafé",
                "en": "Language café",
                "ar": "مقهى اللغة",
                "fa_AF": "کافه زبان",
                "so": "Kafeega luqadda",
                "ti": "ካፌ ቋንቋ",
            },
            description={
                "sv": "Fika och samtal på svenska i lugn takt. Alla nivåer är "
                "välkomna, också du som just har börjat på SFI.",
                "en": "Coffee and conversation in Swedish at an easy pace. All levels welcome.",
            },
            place_id="demo-karlsborg",
            organiser_id="demo-excorde",
            audiences=["everyone"],
            languages=["sv", "ar", "fa_AF"],
        ),
        series(
            1,
            "16:30",
            "19:00",
            id="demo-laxhjalp@motesplats",
            title={
                "sv": "After School Club – läxhjälp",
                "en": "After School Club – homework help",
                "ar": "نادي ما بعد المدرسة – مساعدة في الواجبات",
                "fa_AF": "کلوپ بعد از مکتب – کمک در کارخانگی",
            },
            description={
                "sv": "Läxhjälp, spel och fika i biblioteket. Kom när du vill, "
                "ingen anmälan. Brukar vara ett 15-tal.",
                "en": "Homework help, games and a snack in the library. Drop in, no sign-up.",
            },
            place_id="demo-bibliotek",
            organiser_id="demo-rodakorset",
            audiences=["youth", "children"],
            languages=["sv", "ar", "so"],
        ),
        series(
            2,
            "13:00",
            "15:00",
            id="demo-sprak-undenas@motesplats",
            title={
                "sv": "Språkträning i byahuset",
                "en": "Swedish practice in the village hall",
                "ar": "تدريب على اللغة السويدية",
                "fa_AF": "تمرین زبان سویدنی",
            },
            description={
                "sv": "Vi övar svenska för vardagen: handla, ringa vårdcentralen, läsa brev."
            },
            place_id="demo-undenas",
            organiser_id="demo-stodgruppen",
            audiences=["asylum_seekers", "everyone"],
            languages=["sv", "fa_AF"],
        ),
        series(
            2,
            "18:00",
            "20:00",
            weeks=10,
            id="demo-korkort@motesplats",
            title={
                "sv": "Körkortsteori",
                "en": "Driving theory",
                "ar": "نظرية رخصة القيادة",
                "fa_AF": "تیوری لایسنس رانندگی",
            },
            description={
                "sv": "Teorikurs inför körkortsprovet med en frivillig ledare. "
                "Kursbok finns att låna."
            },
            place_id="demo-medborgarkontor",
            organiser_id="demo-vuxenskolan",
            audiences=["everyone"],
            languages=["sv", "ar", "fa_AF"],
            cost_sek=200,
            signup=SignupSettings(True, 12),
        ),
        series(
            0,
            "18:00",
            "20:00",
            id="demo-datorkurs@motesplats",
            title={
                "sv": "Datorkurs på kvällen",
                "en": "Evening computer course",
                "ar": "دورة كمبيوتر مسائية",
            },
            description={"sv": "E-post, BankID, 1177 och Arbetsförmedlingens sidor."},
            place_id="demo-bibliotek",
            organiser_id="demo-vuxenskolan",
            audiences=["everyone"],
            languages=["sv", "ar"],
            signup=SignupSettings(True, 8),
        ),
        series(
            3,
            "18:30",
            "19:30",
            id="demo-simning-kvinnor@motesplats",
            title={
                "sv": "Simning för kvinnor (burkini går bra)",
                "en": "Swimming for women (burkini welcome)",
                "ar": "سباحة للنساء (البوركيني مسموح)",
                "fa_AF": "آب‌بازی برای خانم‌ها (بورکینی مجاز است)",
                "so": "Dabaal haweenka (burkini waa la oggol yahay)",
            },
            description={
                "sv": "Simhallen är bara öppen för kvinnor. Kvinnlig simlärare. "
                "Barnpassning i cafeterian."
            },
            place_id="demo-simhall",
            organiser_id="demo-kommun",
            audiences=["women"],
            languages=["sv", "ar", "so"],
            cost_sek=20,
            childcare=True,
            signup=SignupSettings(True, 20),
        ),
        series(
            5,
            "14:00",
            "16:00",
            id="demo-familjesim@motesplats",
            title={"sv": "Familjesim", "en": "Family swimming", "ar": "سباحة عائلية"},
            description={"sv": "Hela familjen badar tillsammans. Flytvästar finns."},
            place_id="demo-simhall",
            organiser_id="demo-kommun",
            audiences=["families"],
            languages=["sv"],
            cost_sek=20,
        ),
        series(
            5,
            "10:00",
            "12:00",
            weeks=6,
            id="demo-cykelkurs@motesplats",
            title={
                "sv": "Cykelkurs för kvinnor",
                "en": "Cycling course for women",
                "ar": "دورة تعلم ركوب الدراجة للنساء",
                "fa_AF": "کورس بایسکل‌رانی برای خانم‌ها",
            },
            description={"sv": "Lär dig cykla i din egen takt. Cyklar och hjälmar lånas ut."},
            place_id="demo-ip",
            organiser_id="demo-rodakorset",
            audiences=["women"],
            languages=["sv", "ar", "fa_AF"],
            signup=SignupSettings(True, 10),
        ),
        series(
            4,
            "09:30",
            "11:30",
            id="demo-kvinnofrukost@motesplats",
            title={
                "sv": "Kvinnofrukost",
                "en": "Women's breakfast",
                "ar": "فطور للنساء",
                "fa_AF": "صبحانه برای خانم‌ها",
                "so": "Quraac haweenka",
            },
            description={"sv": "Kvinnogruppen bjuder på frukost. Barnpassning finns."},
            place_id="demo-forsamlingshem",
            organiser_id="demo-stodgruppen",
            audiences=["women"],
            languages=["sv", "ar", "fa_AF", "so", "ti"],
            childcare=True,
        ),
        series(
            4,
            "09:30",
            "11:00",
            id="demo-forskolelek@motesplats",
            title={"sv": "Förskolelek", "en": "Pre-school play", "ar": "لعب لأطفال ما قبل المدرسة"},
            description={"sv": "Lek, sång och fika för barn 1–5 år med vuxen."},
            place_id="demo-undenas",
            organiser_id="demo-raddabarnen",
            audiences=["children", "families"],
            languages=["sv", "fa_AF"],
        ),
        series(
            3,
            "17:00",
            "19:30",
            interval=2,
            id="demo-matlagning@motesplats",
            title={
                "sv": "Mat hos mig – matlagning",
                "en": "Food at my place – cooking",
                "ar": "طبخ معاً في مطبخ الكنيسة",
            },
            description={
                "sv": "Varannan torsdag lagar vi mat från olika länder i "
                "församlingens kök och äter tillsammans."
            },
            place_id="demo-forsamlingshem",
            organiser_id="demo-kyrkan",
            audiences=["everyone"],
            languages=["sv", "ar", "ti"],
            signup=SignupSettings(True, 14),
        ),
        once(
            5,
            "10:00",
            "16:00",
            id="demo-fotbollscup@motesplats",
            title={
                "sv": "Fotbollscup för unga",
                "en": "Youth football cup",
                "ar": "بطولة كرة القدم للشباب",
                "so": "Koobka kubadda cagta ee dhallinyarada",
            },
            description={"sv": "Blandade lag, cirka 60 spelare. Anmäl dig själv eller ditt lag."},
            place_id="demo-ip",
            organiser_id="demo-goteneif",
            audiences=["youth"],
            languages=["sv", "ar", "so", "ti"],
            signup=SignupSettings(True, 60),
        ),
        once(
            3,
            "18:00",
            "20:00",
            id="demo-infokvall-bank@motesplats",
            title={
                "sv": "Informationskväll: bank och försäkring",
                "en": "Information evening: banks and insurance",
                "ar": "أمسية معلومات: البنوك والتأمين",
                "fa_AF": "شب معلوماتی: بانک و بیمه",
            },
            description={
                "sv": "Hur öppnar man ett bankkonto? Vad är hemförsäkring? Tolkar på "
                "arabiska, dari och somaliska. Barnpassning."
            },
            place_id="demo-medborgarkontor",
            organiser_id="demo-kommun",
            audiences=["everyone"],
            languages=["sv", "ar", "fa_AF", "so"],
            childcare=True,
        ),
    ]
    _add_exceptions(activities, today)
    return activities


def _add_exceptions(activities: list[Activity], today: datetime) -> None:
    """One cancelled and one moved occurrence, as happen every week in real life."""
    by_id = {a.id: a for a in activities}
    horizon = today + timedelta(days=7)
    midnight = today.replace(hour=0, minute=0, second=0, microsecond=0)

    cycling = by_id["demo-cykelkurs@motesplats"]
    upcoming = expand(cycling, midnight, horizon)
    if upcoming:
        cycling.overrides[upcoming[0].recurrence_id] = Override(
            status="cancelled",
            note={
                "sv": "Inställt – ledaren är sjuk. Nästa vecka som vanligt.",
                "en": "Cancelled – the leader is ill. Next week as usual.",
            },
        )
    theory = by_id["demo-korkort@motesplats"]
    upcoming = expand(theory, midnight, horizon)
    if upcoming:
        first = upcoming[0]
        theory.overrides[recurrence_id(first.start)] = Override(
            start=first.start + timedelta(hours=1),
            end=first.end + timedelta(hours=1),
            status="changed",
            note={
                "sv": "Denna vecka en timme senare, i sal 3.",
                "en": "This week one hour later, in room 3.",
            },
        )


def load(book: ActivityBook, now: datetime) -> int:
    """Put the demo into the book's store (one atomic write per table; the activities
    through the activity book, audited as `demo`); return how many activities."""
    activities = build_activities(now)
    store = book.store
    with store.lock():
        store.put_many("places", [p.to_doc() for p in PLACES])
        store.put_many("organisers", [o.to_doc() for o in ORGANISERS])
        if store.get("settings", "site") is None:
            store.put("settings", SITE.to_doc())
        book.load_many([a.to_doc() for a in activities], actor="demo")
    return len(activities)
