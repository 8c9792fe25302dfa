"""The demo week: real activities from the Götene and Karlsborg/Undenäs reports.

Owns the demo data loaded by `motesplats demo` and on first start with an empty store, so the
board is never empty. Dates are laid relative to the current week, so the demo always shows
a full week. Ids are fixed (`demo-…`), so loading again updates the demo and never touches
anything a volunteer created. Every visible text is in the six interface languages; the
translations are marked unreviewed until a native speaker has checked them (the translators'
queue lists them).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from kiosk.activities import translation
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

DEMO_ID = ("demo-", "@motesplats")  # every demo activity's id: demo-<name>@motesplats


def is_demo(doc: dict) -> bool:
    """Whether an activity document is one of the demo week's (edited or not): it stays on
    the kiosk that loaded it and is never sent to a central calendar."""
    return is_demo_id(str(doc.get("id", "")))


def is_demo_id(uid: str) -> bool:
    return uid.startswith(DEMO_ID[0]) and uid.endswith(DEMO_ID[1])


def _osm(query: str) -> str:
    return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"


PLACES = [
    Place(
        "demo-bibliotek",
        "Götene bibliotek",
        "Kommunhuset, Götene",
        "Läsesalen",
        _osm("Götene bibliotek"),
        kind="library",
        room_names={
            "en": "Reading room",
            "ar": "قاعة القراءة",
            "fa_AF": "اتاق مطالعه",
            "so": "Qolka akhriska",
            "ti": "ክፍሊ ንባብ",
        },
        names={
            "sv": "Götene bibliotek",
            "en": "Götene Library",
            "ar": "مكتبة يوتينه",
            "fa_AF": "کتابخانهٔ یوتینه",
            "so": "Maktabadda Götene",
            "ti": "ቤት መጻሕፍቲ ዮተነ",
        },
        how_to={
            "sv": "I kommunhuset i Götene. Fråga personalen i biblioteket om vägen till läsesalen.",
            "en": "In the municipal building (Kommunhuset) in Götene. "
            "Ask the library staff the way to the reading room.",
            "ar": "في مبنى البلدية (Kommunhuset) في يوتينه. "
            "اسأل موظفي المكتبة عن الطريق إلى قاعة القراءة.",
            "fa_AF": "در ساختمان شاروالی (Kommunhuset) در یوتینه. "
            "راه اتاق مطالعه را از کارمندان کتابخانه بپرسید.",
            "so": "Waxay ku taal dhismaha degmada (Kommunhuset) ee Götene. "
            "Shaqaalaha maktabadda weydii jidka qolka akhriska.",
            "ti": "ኣብ ህንጻ ምምሕዳር ከተማ (Kommunhuset) ኣብ ዮተነ። "
            "ናብ ክፍሊ ንባብ ዝወስድ መገዲ ንሰራሕተኛታት ቤት መጻሕፍቲ ሕተቱ።",
        },
    ),
    Place(
        "demo-medborgarkontor",
        "Medborgarkontoret",
        "Kommunhuset, Götene",
        "Sal 2",
        _osm("Götene kommunhus"),
        kind="municipal_office",
        room_names={
            "en": "Room 2",
            "ar": "القاعة 2",
            "fa_AF": "سالون 2",
            "so": "Qolka 2",
            "ti": "ክፍሊ 2",
        },
        names={
            "sv": "Medborgarkontoret",
            "en": "Citizens' Office",
            "ar": "مكتب خدمة المواطنين",
            "fa_AF": "دفتر خدمات شهروندی",
            "so": "Xafiiska adeegga muwaadiniinta",
            "ti": "ቤት ጽሕፈት ኣገልግሎት ህዝቢ",
        },
        how_to={
            "sv": "I kommunhuset i Götene. "
            "Fråga personalen på medborgarkontoret om vägen till sal 2.",
            "en": "In the municipal building (Kommunhuset) in Götene. "
            "Ask the staff at the citizens' office the way to room 2.",
            "ar": "في مبنى البلدية (Kommunhuset) في يوتينه. "
            "اسأل موظفي مكتب خدمة المواطنين عن الطريق إلى القاعة 2.",
            "fa_AF": "در ساختمان شاروالی (Kommunhuset) در یوتینه. "
            "راه اتاق 2 را از کارمندان دفتر خدمات شهروندی بپرسید.",
            "so": "Waxay ku taal dhismaha degmada (Kommunhuset) ee Götene. "
            "Shaqaalaha xafiiska weydii jidka qolka 2.",
            "ti": "ኣብ ህንጻ ምምሕዳር ከተማ (Kommunhuset) ኣብ ዮተነ። ናብ ክፍሊ 2 ዝወስድ መገዲ ንሰራሕተኛታት ቤት ጽሕፈት ሕተቱ።",
        },
    ),
    Place(
        "demo-forsamlingshem",
        "Götene församlingshem",
        "Götene",
        "Stora salen och köket",
        _osm("Götene församlingshem"),
        kind="church",
        room_names={
            "en": "The big hall and the kitchen",
            "ar": "القاعة الكبيرة والمطبخ",
            "fa_AF": "سالون بزرگ و آشپزخانه",
            "so": "Hoolka weyn iyo jikada",
            "ti": "ዓባይ ኣዳራሽን ክሽነን",
        },
        names={
            "sv": "Götene församlingshem",
            "en": "Götene Parish Hall",
            "ar": "قاعة كنيسة يوتينه",
            "fa_AF": "سالون کلیسای یوتینه",
            "so": "Hoolka kaniisadda Götene",
            "ti": "ኣዳራሽ ቤተ ክርስትያን ዮተነ",
        },
        how_to={
            "sv": "Svenska kyrkans församlingshem i Götene. "
            "Se kartan, eller fråga på mötesplatsen i biblioteket.",
            "en": "The Church of Sweden's parish hall in Götene. "
            "See the map, or ask at the meeting place in the library.",
            "ar": "قاعة كنيسة السويد في يوتينه. "
            "انظر إلى الخريطة، أو اسأل في مكان اللقاء في المكتبة.",
            "fa_AF": "سالون کلیسای سویدن در یوتینه. "
            "نقشه را ببینید، یا در محل ملاقات در کتابخانه بپرسید.",
            "so": "Hoolka Kaniisadda Iswiidhan ee Götene. "
            "Eeg khariidadda, ama weydii goobta kulanka ee maktabadda.",
            "ti": "ኣዳራሽ ቤተ ክርስትያን ሽወደን ኣብ ዮተነ። ካርታ ርኣዩ፡ ወይ ኣብ ቦታ ርክብ ኣብ ቤት መጻሕፍቲ ሕተቱ።",
        },
    ),
    Place(
        "demo-simhall",
        "Götene simhall",
        "Götene",
        "",
        _osm("Götene simhall"),
        kind="swimming_hall",
        names={
            "sv": "Götene simhall",
            "en": "Götene Swimming Hall",
            "ar": "مسبح يوتينه",
            "fa_AF": "حوض آب‌بازی یوتینه",
            "so": "Barkadda dabaasha Götene",
            "ti": "መሐምበሲ ዮተነ",
        },
        how_to={
            "sv": "Simhallen ligger i Götene. "
            "Se kartan, eller fråga på mötesplatsen i biblioteket.",
            "en": "The swimming hall is in Götene. "
            "See the map, or ask at the meeting place in the library.",
            "ar": "المسبح في يوتينه. انظر إلى الخريطة، أو اسأل في مكان اللقاء في المكتبة.",
            "fa_AF": "حوض آب‌بازی در یوتینه است. "
            "نقشه را ببینید، یا در محل ملاقات در کتابخانه بپرسید.",
            "so": "Barkadda dabaashu waxay ku taal Götene. "
            "Eeg khariidadda, ama weydii goobta kulanka ee maktabadda.",
            "ti": "እቲ መሐምበሲ ኣብ ዮተነ እዩ። ካርታ ርኣዩ፡ ወይ ኣብ ቦታ ርክብ ኣብ ቤት መጻሕፍቲ ሕተቱ።",
        },
    ),
    Place(
        "demo-ip",
        "Götene IP",
        "Götene",
        "Konstgräsplanen",
        _osm("Götene idrottsplats"),
        kind="sports_ground",
        room_names={
            "en": "The artificial grass pitch",
            "ar": "ملعب العشب الصناعي",
            "fa_AF": "میدان چمن مصنوعی",
            "so": "Garoonka cawska macmalka ah",
            "ti": "ሜዳ ሰብ ዝሰርሖ ሳዕሪ",
        },
        names={
            "sv": "Götene IP",
            "en": "Götene Sports Ground",
            "ar": "ملعب يوتينه الرياضي",
            "fa_AF": "میدان ورزشی یوتینه",
            "so": "Garoonka ciyaaraha Götene",
            "ti": "ሜዳ ስፖርት ዮተነ",
        },
        how_to={
            "sv": "Idrottsplatsen i Götene. Aktiviteterna är på konstgräsplanen. Se kartan.",
            "en": "The sports ground in Götene. "
            "Activities are on the artificial grass pitch. See the map.",
            "ar": "الملعب الرياضي في يوتينه. الأنشطة على ملعب العشب الصناعي. انظر إلى الخريطة.",
            "fa_AF": "میدان ورزشی در یوتینه. فعالیت‌ها در میدان چمن مصنوعی است. نقشه را ببینید.",
            "so": "Garoonka ciyaaraha ee Götene. "
            "Hawluhu waxay ka dhacaan garoonka cawska macmalka ah. Eeg khariidadda.",
            "ti": "ሜዳ ስፖርት ኣብ ዮተነ። ንጥፈታት ኣብቲ ብሰብ ዝተሰርሐ ሳዕሪ ዘለዎ ሜዳ እዮም። ካርታ ርኣዩ።",
        },
    ),
    Place(
        "demo-karlsborg",
        "Karlsborgs församlingshem",
        "Karlsborg",
        "Caféet",
        _osm("Karlsborg församlingshem"),
        kind="church",
        room_names={
            "en": "The café",
            "ar": "المقهى",
            "fa_AF": "کافه",
            "so": "Kafeega",
            "ti": "ካፌ",
        },
        names={
            "sv": "Karlsborgs församlingshem",
            "en": "Karlsborg Parish Hall",
            "ar": "قاعة كنيسة كارلسبوري",
            "fa_AF": "سالون کلیسای کارلسبوری",
            "so": "Hoolka kaniisadda Karlsborg",
            "ti": "ኣዳራሽ ቤተ ክርስትያን ካርልስቦሪ",
        },
        how_to={
            "sv": "Församlingshemmet i Karlsborg. Gå in till caféet. Se kartan.",
            "en": "The parish hall in Karlsborg. Go in to the café. See the map.",
            "ar": "قاعة الكنيسة في كارلسبوري. ادخل إلى المقهى. انظر إلى الخريطة.",
            "fa_AF": "سالون کلیسا در کارلسبوری. داخل کافه بروید. نقشه را ببینید.",
            "so": "Hoolka kaniisadda ee Karlsborg. Gal kafeega. Eeg khariidadda.",
            "ti": "ኣዳራሽ ቤተ ክርስትያን ኣብ ካርልስቦሪ። ናብቲ ካፌ እተዉ። ካርታ ርኣዩ።",
        },
    ),
    Place(
        "demo-undenas",
        "Undenäs byahus",
        "Undenäs",
        "",
        _osm("Undenäs bygdegård"),
        kind="village_hall",
        names={
            "sv": "Undenäs byahus",
            "en": "Undenäs Village Hall",
            "ar": "بيت القرية في أوندينيس",
            "fa_AF": "خانهٔ قریهٔ اوندنیس",
            "so": "Hoolka tuulada Undenäs",
            "ti": "ኣዳራሽ ዓዲ ኡንደነስ",
        },
        how_to={
            "sv": "Byahuset i Undenäs, i Karlsborgs kommun. Se kartan för vägen.",
            "en": "The village hall in Undenäs, in Karlsborg municipality. "
            "See the map for the way.",
            "ar": "بيت القرية في أوندينيس، في بلدية كارلسبوري. انظر إلى الخريطة لمعرفة الطريق.",
            "fa_AF": "خانهٔ قریه در اوندنیس، در شاروالی کارلسبوری. "
            "برای پیدا کردن راه، نقشه را ببینید.",
            "so": "Hoolka tuulada ee Undenäs, degmada Karlsborg. "
            "Eeg khariidadda si aad jidka u hesho.",
            "ti": "ኣዳራሽ ዓዲ ኣብ ኡንደነስ፡ ኣብ ምምሕዳር ካርልስቦሪ። መገዲ ንምርካብ ካርታ ርኣዩ።",
        },
    ),
]

ORGANISERS = [
    Organiser(
        "demo-kommun",
        "Götene kommun – Mötesplatsen",
        {
            "sv": "Kommunens mötesplats i biblioteket och medborgarkontoret.",
            "en": "The municipality's meeting place in the library and citizens' office.",
            "ar": "مكان اللقاء التابع للبلدية في المكتبة ومكتب خدمة المواطنين.",
            "fa_AF": "محل ملاقات شاروالی در کتابخانه و دفتر خدمات شهروندی.",
            "so": "Goobta kulanka ee degmada, oo ku taal maktabadda iyo xafiiska muwaadiniinta.",
            "ti": "ቦታ ርክብ ናይ ምምሕዳር ከተማ ኣብ ቤት መጻሕፍትን ቤት ጽሕፈት ኣገልግሎት ህዝብን።",
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
            "ar": "مساعدة في الواجبات المدرسية ودورة ركوب الدراجة وتدريب على اللغة مع متطوعين.",
            "fa_AF": "کمک در کارخانگی، کورس بایسکل‌رانی و تمرین زبان با رضاکاران.",
            "so": "Caawinta shaqada guriga, koorsada baaskiilka iyo layliga luqadda "
            "oo ay qabtaan mutadawiciin.",
            "ti": "ሓገዝ ዕዮ ገዛ፡ ኮርስ ብሽክለታን ልምምድ ቋንቋን ምስ ወለንተኛታት።",
        },
        "Birgitta",
        "070-123 45 67",
        "https://www.rodakorset.se/",
        {
            "sv": "Barn och unga som vill ha läxhjälp, och vuxna som vill öva svenska eller cykla.",
            "en": "Children and young people who want homework help, "
            "and adults who want to practise Swedish or cycling.",
            "ar": "الأطفال والشباب الذين يريدون مساعدة في الواجبات، "
            "والكبار الذين يريدون التدرب على السويدية أو على ركوب الدراجة.",
            "fa_AF": "اطفال و جوانانی که کمک در کارخانگی می‌خواهند، "
            "و بزرگسالانی که می‌خواهند سویدنی یا بایسکل‌رانی تمرین کنند.",
            "so": "Carruurta iyo dhallinyarada doonaya caawinta shaqada guriga, iyo dadka "
            "waaweyn ee doonaya inay ku celceliyaan af-Iswiidhishka ama baaskiil wadista.",
            "ti": "ቆልዑን መንእሰያትን ሓገዝ ዕዮ ገዛ ዝደልዩ፡ ከምኡ'ውን ሽወደንኛ ክለማመዱ ወይ ብሽክለታ ክዝውሩ ዝደልዩ ዓበይቲ።",
        },
    ),
    Organiser(
        "demo-kyrkan",
        "Svenska kyrkan Götene",
        {
            "sv": "Församlingshemmet är öppet för alla: matlagning och samtal.",
            "en": "The parish hall is open to all: cooking and conversation.",
            "ar": "قاعة الكنيسة مفتوحة للجميع: طبخ وأحاديث.",
            "fa_AF": "سالون کلیسا برای همه باز است: آشپزی و گپ‌زدن.",
            "so": "Hoolka kaniisaddu waa u furan yahay qof kasta: cunto karis iyo sheeko.",
            "ti": "ኣዳራሽ ቤተ ክርስትያን ንኹሉ ሰብ ክፉት እዩ፡ ምድላው መግብን ዕላልን።",
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
            "ar": "جمعية تطوعية تدير مقهى اللغة كل يوم أحد.",
            "fa_AF": "یک انجمن رضاکار که هر یکشنبه کافه زبان برگزار می‌کند.",
            "so": "Urur samafal ah oo Axad kasta qabta kafeega luqadda.",
            "ti": "ኣብ ነፍሲ ወከፍ ሰንበት ካፌ ቋንቋ ዘካይድ ወለንተኛ ማሕበር።",
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
            "ar": "حلقات دراسية ودورات: نظرية رخصة القيادة، الكمبيوتر، «الطعام عندي».",
            "fa_AF": "حلقه‌های درسی و کورس‌ها: تیوری لایسنس رانندگی، کمپیوتر، «غذا در خانهٔ من».",
            "so": "Kooxo waxbarasho iyo koorsooyin: teoriga shatiga wadista, kombiyuutar, "
            "'Cunto gurigayga'.",
            "ti": "ክቢ መጽናዕትን ኮርሳትን፡ ቲዮሪ መንጃ ፍቓድ፡ ኮምፒዩተር፡ 'መግቢ ኣብ ገዛይ'።",
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
            "ar": "القادمون الجدد والسويديون المقيمون منذ زمن معاً؛ ومجموعة النساء.",
            "fa_AF": "تازه‌واردان و سویدنی‌های این‌جا با هم؛ و گروه خانم‌ها.",
            "so": "Dadka cusub iyo Iswiidhishka deggan oo wada jira; iyo kooxda haweenka.",
            "ti": "ሓደስቲ መጻእትን ነበርቲ ሽወደንን ብሓባር፤ ከምኡ'ውን ጉጅለ ደቂ ኣንስትዮ።",
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
            "ar": "لعب وأنشطة للأطفال والعائلات.",
            "fa_AF": "بازی و فعالیت‌ها برای اطفال و فامیل‌ها.",
            "so": "Ciyaar iyo hawlo loogu talagalay carruurta iyo qoysaska.",
            "ti": "ጸወታን ንጥፈታትን ንቖልዑን ስድራቤታትን።",
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
            "ar": "نادي كرة قدم فيه فرق لكل الأعمار.",
            "fa_AF": "کلوپ فوتبال با تیم‌هایی برای همه سنین.",
            "so": "Naadi kubadda cagta ah oo leh kooxo da' kasta ah.",
            "ti": "ክለብ ኩዕሶ እግሪ ምስ ጋንታታት ንኹሉ ዕድመ።",
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
                "en": "Coffee, a snack and conversation in Swedish at an easy pace. All levels "
                "are welcome, also if you have just started SFI (Swedish for immigrants).",
                "ar": "قهوة ووجبة خفيفة وحديث بالسويدية على مهل. أهلاً بكل المستويات، "
                "وبك أيضاً إن كنت قد بدأت للتو في SFI (دروس السويدية للمهاجرين).",
                "fa_AF": "قهوه، شیرینی و گپ‌زدن به زبان سویدنی، آهسته و آرام. هر سویه‌ای که "
                "دارید خوش آمدید، حتی اگر تازه SFI (کورس سویدنی برای مهاجرین) را شروع کرده‌اید.",
                "so": "Kafee iyo cunto fudud, iyo sheeko af-Iswiidhish ah oo tartiib ah. "
                "Heer kasta waad ku imaan kartaa, xitaa haddii aad hadda bilowday SFI.",
                "ti": "ቡንን መቑረስን፡ ብቐስታ ድማ ብሽወደንኛ ንዘራረብ። ኣብ ዝኾነ ደረጃ እንተሃለኹም "
                "እንቋዕ ብደሓን መጻእኩም፡ ሕጂ SFI (ትምህርቲ ሽወደንኛ) ዝጀመርኩም እውን።",
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
                "so": "Naadiga Dugsiga Kadib – caawinta shaqada guriga",
                "ti": "ክለብ ድሕሪ ትምህርቲ – ሓገዝ ዕዮ ገዛ",
            },
            description={
                "sv": "Läxhjälp, spel och fika i biblioteket. Kom när du vill, "
                "ingen anmälan. Brukar vara ett 15-tal.",
                "en": "Homework help, games and a snack in the library. Come when you like, "
                "no sign-up. Usually about 15 people come.",
                "ar": "مساعدة في الواجبات المدرسية وألعاب ووجبة خفيفة في المكتبة. "
                "تعال متى شئت، بدون تسجيل. يأتي عادةً نحو 15 شخصاً.",
                "fa_AF": "کمک در کارخانگی، بازی و شیرینی در کتابخانه. هر وقت خواستید بیایید، "
                "نام‌نویسی لازم نیست. معمولاً حدود 15 نفر می‌آیند.",
                "so": "Caawinta shaqada guriga, ciyaaro iyo cunto fudud oo maktabadda ah. "
                "Kaalay goorta aad rabto, is-diiwaangelin looma baahna. "
                "Badanaa waxaa yimaada qiyaastii 15 qof.",
                "ti": "ሓገዝ ዕዮ ገዛ፡ ጸወታታትን መቑረስን ኣብ ቤት መጻሕፍቲ። ኣብ ዝደለኹምዎ ግዜ ንዑ፡ "
                "ምዝገባ ኣየድልን። መብዛሕትኡ ግዜ ኣስታት 15 ሰባት ይመጹ።",
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
                "so": "Layliga af-Iswiidhishka ee hoolka tuulada",
                "ti": "ልምምድ ሽወደንኛ ኣብ ኣዳራሽ ዓዲ",
            },
            description={
                "sv": "Vi övar svenska för vardagen: handla, ringa vårdcentralen, läsa brev.",
                "en": "We practise everyday Swedish: shopping, calling the health centre, "
                "reading letters.",
                "ar": "نتدرب على السويدية للحياة اليومية: التسوق، "
                "الاتصال بالمركز الصحي، قراءة الرسائل.",
                "fa_AF": "زبان سویدنی را برای زندگی روزمره تمرین می‌کنیم: سودا خریدن، "
                "تیلفون کردن به مرکز صحی، خواندن نامه‌ها.",
                "so": "Waxaan ku celcelinaa af-Iswiidhishka maalinlaha ah: wax iibsiga, "
                "u wacidda xarunta caafimaadka, akhriska waraaqaha.",
                "ti": "ንመዓልታዊ ናብራ ዘድሊ ሽወደንኛ ንለማመድ፡ ምዕዳግ፡ ናብ ማእከል ጥዕና ምድዋል፡ ደብዳበታት ምንባብ።",
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
                "so": "Teoriga shatiga wadista",
                "ti": "ቲዮሪ መንጃ ፍቓድ",
            },
            description={
                "sv": "Teorikurs inför körkortsprovet med en frivillig ledare. "
                "Kursbok finns att låna.",
                "en": "Theory course for the driving test, with a volunteer leader. "
                "You can borrow the course book.",
                "ar": "دورة نظرية استعداداً لامتحان رخصة القيادة، يقودها متطوع. "
                "يمكنك استعارة كتاب الدورة.",
                "fa_AF": "کورس تیوری برای امتحان لایسنس رانندگی، با یک استاد رضاکار. "
                "کتاب کورس را می‌توانید امانت بگیرید.",
                "so": "Koorso teori ah oo loogu diyaargaroobayo imtixaanka shatiga, "
                "uuna hoggaaminayo mutadawac. Buugga koorsada waa la amaahan karaa.",
                "ti": "ኮርስ ቲዮሪ ንፈተና መንጃ ፍቓድ፡ ምስ ወለንተኛ መራሒ። መጽሓፍ ናይቲ ኮርስ ክትልቅሑ ትኽእሉ ኢኹም።",
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
                "fa_AF": "کورس شبانهٔ کمپیوتر",
                "so": "Koorsada kombiyuutarka ee fiidkii",
                "ti": "ናይ ምሸት ኮርስ ኮምፒዩተር",
            },
            description={
                "sv": "E-post, BankID, 1177 och Arbetsförmedlingens sidor.",
                "en": "Email, BankID (e-ID), 1177 (health care) and the pages of "
                "Arbetsförmedlingen (the employment service).",
                "ar": "البريد الإلكتروني، BankID (الهوية الإلكترونية)، 1177 (خدمة الرعاية "
                "الصحية) وصفحات Arbetsförmedlingen (مكتب العمل).",
                "fa_AF": "ایمیل، BankID (هویت الکترونیکی)، 1177 (خدمات صحی) و صفحه‌های "
                "Arbetsförmedlingen (اداره کاریابی).",
                "so": "Iimayl, BankID (aqoonsi elektarooni ah), 1177 (adeegga caafimaadka) "
                "iyo bogagga Arbetsförmedlingen (xafiiska shaqada).",
                "ti": "ኢመይል፡ BankID (ኤሌክትሮኒካዊ መንነት)፡ 1177 (ኣገልግሎት ጥዕና)፡ "
                "ከምኡ'ውን ገጻት Arbetsförmedlingen (ቤት ጽሕፈት ስራሕ)።",
            },
            place_id="demo-bibliotek",
            organiser_id="demo-vuxenskolan",
            audiences=["everyone"],
            languages=["sv", "ar"],
            signup=SignupSettings(True, 8, approval=True),  # the study circle's leader answers
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
                "ti": "ምሕንባስ ንደቂ ኣንስትዮ (ቡርኪኒ ይፍቀድ)",
            },
            description={
                "sv": "Simhallen är bara öppen för kvinnor. Kvinnlig simlärare. "
                "Barnpassning i cafeterian.",
                "en": "The swimming hall is open only to women. Female swimming teacher. "
                "Childcare in the cafeteria.",
                "ar": "المسبح مفتوح للنساء فقط. مدرّبة السباحة امرأة. رعاية الأطفال في الكافتيريا.",
                "fa_AF": "حوض آب‌بازی فقط برای خانم‌ها باز است. استاد آب‌بازی یک خانم است. "
                "اطفال در کافتریا نگهداری می‌شوند.",
                "so": "Barkadda waxay u furan tahay haweenka oo keliya. Macallinka dabaashu "
                "waa haweeney. Carruurta waxaa lagu xannaaneeyaa kafateeriyada.",
                "ti": "እቲ መሐምበሲ ንደቂ ኣንስትዮ ጥራይ ክፉት እዩ። መምህር ምሕንባስ ሰበይቲ እያ። ክንክን ቆልዑ ኣብ ካፈተርያ ኣሎ።",
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
            title={
                "sv": "Familjesim",
                "en": "Family swimming",
                "ar": "سباحة عائلية",
                "fa_AF": "آب‌بازی فامیلی",
                "so": "Dabaasha qoyska",
                "ti": "ምሕንባስ ስድራቤት",
            },
            description={
                "sv": "Hela familjen badar tillsammans. Flytvästar finns.",
                "en": "The whole family swims together. Life jackets are available.",
                "ar": "تسبح العائلة كلها معاً. تتوفر سترات نجاة.",
                "fa_AF": "تمام فامیل با هم آب‌بازی می‌کنند. جاکت نجات موجود است.",
                "so": "Qoyska oo dhan ayaa wada dabaalanaya. Jaakado badbaado waa la heli karaa.",
                "ti": "ብምሉኡ ስድራቤት ብሓባር ይሕንብሱ። ጃኬት ድሕነት ኣሎ።",
            },
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
                "so": "Koorsada baaskiilka ee haweenka",
                "ti": "ኮርስ ብሽክለታ ንደቂ ኣንስትዮ",
            },
            description={
                "sv": "Lär dig cykla i din egen takt. Cyklar och hjälmar lånas ut.",
                "en": "Learn to ride a bike at your own pace. You can borrow a bike and a helmet.",
                "ar": "تعلّمي ركوب الدراجة على مهلك. يمكنك استعارة دراجة وخوذة.",
                "fa_AF": "بایسکل‌رانی را آهسته‌آهسته و به اندازهٔ توان خود یاد بگیرید. "
                "بایسکل و هلمت امانت داده می‌شود.",
                "so": "Baro wadista baaskiilka, si tartiib ah oo kuu habboon. "
                "Baaskiil iyo koofiyad-madax waa lagu amaahinayaa.",
                "ti": "ብሽክለታ ምዝዋር ብናትክን ቅልጣፈ ተማሃራ። ብሽክለታን ካስኮን ብልቓሕ ይወሃብ።",
            },
            place_id="demo-ip",
            organiser_id="demo-rodakorset",
            audiences=["women"],
            languages=["sv", "ar", "fa_AF"],
            signup=SignupSettings(True, 10, course=True),  # one signup for all six Saturdays
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
                "ti": "ቁርሲ ደቂ ኣንስትዮ",
            },
            description={
                "sv": "Kvinnogruppen bjuder på frukost. Barnpassning finns.",
                "en": "The women's group invites you to breakfast. Childcare is available.",
                "ar": "مجموعة النساء تدعوكِ إلى الفطور. تتوفر رعاية للأطفال.",
                "fa_AF": "گروه خانم‌ها شما را به صبحانه مهمان می‌کند. نگهداری اطفال هم موجود است.",
                "so": "Kooxda haweenku waxay kugu martiqaadayaan quraac. "
                "Xannaanada carruurta waa la heli karaa.",
                "ti": "ጉጅለ ደቂ ኣንስትዮ ቁርሲ ይዕድማ። ክንክን ቆልዑ ኣሎ።",
            },
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
            title={
                "sv": "Förskolelek",
                "en": "Pre-school play",
                "ar": "لعب لأطفال ما قبل المدرسة",
                "fa_AF": "بازی برای اطفال خردسال",
                "so": "Ciyaaraha carruurta yaryar",
                "ti": "ጸወታ ንንኣሽቱ ቆልዑ",
            },
            description={
                "sv": "Lek, sång och fika för barn 1–5 år med vuxen.",
                "en": "Play, songs, coffee and a snack for children aged 1–5 with an adult.",
                "ar": "لعب وغناء وقهوة ووجبة خفيفة للأطفال من 1 إلى 5 سنوات برفقة شخص بالغ.",
                "fa_AF": "بازی، سرود، قهوه و شیرینی برای اطفال 1 تا 5 ساله، همراه یک بزرگسال.",
                "so": "Ciyaar, heeso, kafee iyo cunto fudud carruurta 1–5 jir ah "
                "oo uu la socdo qof weyn.",
                "ti": "ጸወታ፡ ደርፊ፡ ቡንን መቑረስን ንቖልዑ ካብ 1 ክሳብ 5 ዓመት ምስ ሓደ ዓቢ ሰብ።",
            },
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
                "fa_AF": "غذا در خانهٔ من – آشپزی",
                "so": "Cunto gurigayga – cunto karis",
                "ti": "መግቢ ኣብ ገዛይ – ምድላው መግቢ",
            },
            description={
                "sv": "Varannan torsdag lagar vi mat från olika länder i "
                "församlingens kök och äter tillsammans.",
                "en": "Every other Thursday we cook food from different countries "
                "in the parish kitchen and eat together.",
                "ar": "كل أسبوعين، يوم الخميس، نطبخ أطباقاً من بلدان مختلفة "
                "في مطبخ الكنيسة ونأكل معاً.",
                "fa_AF": "هر دو هفته یک بار، روز پنجشنبه، در آشپزخانهٔ کلیسا غذاهای "
                "کشورهای مختلف را پخته می‌کنیم و با هم می‌خوریم.",
                "so": "Labadii toddobaadba mar, Khamiista, waxaan jikada kaniisadda ku "
                "karinnaa cuntooyin dalal kala duwan, kadibna wada cunnaa.",
                "ti": "ኣብ ክልተ ሰሙን ሓደ ግዜ ሓሙስ፡ ኣብ ክሽነ ቤተ ክርስትያን ካብ ዝተፈላለያ "
                "ሃገራት መግቢ ነዳልው፡ ብሓባር ድማ ንበልዕ።",
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
                "fa_AF": "مسابقات فوتبال برای جوانان",
                "so": "Koobka kubadda cagta ee dhallinyarada",
                "ti": "ውድድር ኩዕሶ እግሪ ንመንእሰያት",
            },
            description={
                "sv": "Blandade lag, cirka 60 spelare. Anmäl dig själv eller ditt lag.",
                "en": "Mixed teams, about 60 players. Sign up yourself or your team.",
                "ar": "فرق مختلطة، نحو 60 لاعباً. سجّل نفسك أو سجّل فريقك.",
                "fa_AF": "تیم‌های مختلط، حدود 60 بازیکن. خود یا تیم خود را نام‌نویسی کنید.",
                "so": "Kooxo isku dhafan, qiyaastii 60 ciyaaryahan. "
                "Is-diiwaangeli adiga ama kooxdaada.",
                "ti": "ዝተሓዋወሱ ጋንታታት፡ ኣስታት 60 ተጻወቲ። ንርእስኹም ወይ ንጋንታኹም ኣመዝግቡ።",
            },
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
                "so": "Habeen macluumaad: bangiyada iyo caymiska",
                "ti": "ምሸት ሓበሬታ፡ ባንክን ኢንሹራንስን",
            },
            description={
                "sv": "Hur öppnar man ett bankkonto? Vad är hemförsäkring? Tolkar på "
                "arabiska, dari och somaliska. Barnpassning.",
                "en": "How do you open a bank account? What is home insurance? "
                "Interpreters in Arabic, Dari and Somali. Childcare.",
                "ar": "كيف تفتح حساباً مصرفياً؟ ما هو تأمين المنزل؟ يوجد مترجمون "
                "للعربية والدارية والصومالية. رعاية للأطفال.",
                "fa_AF": "چطور حساب بانکی باز کنیم؟ بیمهٔ خانه چیست؟ ترجمان به زبان‌های "
                "عربی، دری و سومالیایی. نگهداری اطفال.",
                "so": "Sidee loo furaa koonto bangi? Waa maxay caymiska guriga? "
                "Turjumaanno Carabi, Dari iyo Soomaali ah. Xannaanada carruurta.",
                "ti": "ሕሳብ ባንኪ ብኸመይ ይኽፈት? ኢንሹራንስ ገዛ እንታይ እዩ? ተርጎምቲ ዓረብኛ፡ "
                "ዳሪን ሶማልኛን ኣለዉ። ክንክን ቆልዑ ኣሎ።",
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
                "ar": "مُلغى – قائد الدورة مريض. الأسبوع القادم كالمعتاد.",
                "fa_AF": "لغو شد – استاد کورس مریض است. هفتهٔ آینده مثل همیشه.",
                "so": "Waa la joojiyay – hoggaamiyaha ayaa jiran. "
                "Toddobaadka soo socda sidii caadiga ahayd.",
                "ti": "ተሰሪዙ – እቲ መራሒ ሓሚሙ። ዝመጽእ ሰሙን ከም ልሙድ።",
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
                "ar": "هذا الأسبوع بعد ساعة من الموعد المعتاد، في القاعة 3.",
                "fa_AF": "این هفته یک ساعت دیرتر، در اتاق 3.",
                "so": "Toddobaadkan hal saac ka dambe, qolka 3.",
                "ti": "ኣብዚ ሰሙን ሓደ ሰዓት ደንጒዩ፡ ኣብ ክፍሊ 3።",
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
        # every text not in Swedish is marked unreviewed: no native speaker has checked it yet
        book.load_many([translation.mark_unreviewed(a.to_doc()) for a in activities], actor="demo")
    return len(activities)
