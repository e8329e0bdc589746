"""Invented people for the demo day: plausible names per nationality (no real persons), the
languages they speak, and the routes that bring them to each port."""

from __future__ import annotations

from typing import NamedTuple


class Nation(NamedTuple):
    languages: tuple[str, ...]  # ISO 639-3 codes, the first most common
    men: tuple[str, ...]
    women: tuple[str, ...]
    surnames: tuple[str, ...]


NATIONS: dict[str, Nation] = {
    "AF": Nation(
        ("prs", "pus"),
        ("Ahmad", "Farid", "Hamid", "Sohail", "Mustafa", "Rahmatullah", "Naveed", "Jawad"),
        ("Mariam", "Zahra", "Nasima", "Parwana", "Shabnam", "Laila", "Freshta", "Gulalai"),
        ("Ahmadzai", "Karimi", "Noori", "Sultani", "Hotak", "Wardak", "Safi", "Amiri", "Popal"),
    ),
    "SY": Nation(
        ("ara",),
        ("Omar", "Mahmoud", "Khaled", "Samir", "Yousef", "Bassam", "Tarek"),
        ("Rania", "Yara", "Huda", "Lina", "Rasha", "Nour", "Dalia"),
        ("Haddad", "Sabbagh", "Al-Hamwi", "Khatib", "Nassar", "Qassem"),
    ),
    "IQ": Nation(
        ("ara",),
        ("Ali", "Haider", "Mustafa", "Saad", "Karrar", "Ammar"),
        ("Zainab", "Shahad", "Maryam", "Ruqaya", "Israa", "Hawraa"),
        ("Al-Obaidi", "Al-Saadi", "Jabbar", "Kadhim", "Al-Rubaie", "Hashim"),
    ),
    "CD": Nation(
        ("swa", "kin", "lin"),
        ("Emmanuel", "Patrick", "Déogratias", "Amani", "Jean-Pierre", "Espoir", "Héritier"),
        ("Béatrice", "Espérance", "Grâce", "Chantal", "Furaha", "Solange", "Clémentine"),
        ("Nyiramana", "Ilunga", "Kasongo", "Mbuyi", "Kalonji", "Lumbala", "Nsimba", "Uwimana"),
    ),
    "RW": Nation(
        ("kin",),
        ("Théogène", "Aimable", "Innocent", "Jean-Claude", "Fidèle", "Olivier"),
        ("Claudine", "Uwase", "Ishimwe", "Béatrice", "Josiane", "Angélique"),
        ("Habimana", "Niyonzima", "Hakizimana", "Mukamana", "Nyiramana", "Uwimana"),
    ),
    "ER": Nation(
        ("tir",),
        ("Yonas", "Filmon", "Dawit", "Biniam", "Samuel", "Mewael"),
        ("Senait", "Mehret", "Selam", "Helen", "Luwam", "Saba"),
        ("Tesfamariam", "Gebremedhin", "Haile", "Kidane", "Berhane", "Tekle", "Weldu"),
    ),
    "SO": Nation(
        ("som",),
        ("Abdi", "Mahad", "Warsame", "Abdirahman", "Liban", "Guled"),
        ("Hodan", "Faadumo", "Ayaan", "Sahra", "Ubah", "Khadra"),
        ("Warsame", "Jama", "Farah", "Osman", "Abdullahi", "Nur"),
    ),
    "MM": Nation(
        ("mya",),
        ("Aung Min", "Kyaw Zin", "Htet Naing", "Zaw Lin", "Saw Eh"),
        ("Thandar", "Nilar", "Mya Mya", "Hla Hla", "Naw Paw"),
        ("Htun", "Win", "Oo", "Soe", "Myint", "Htoo"),
    ),
    "UA": Nation(
        ("ukr",),
        ("Oleksandr", "Mykola", "Andrii", "Dmytro", "Serhii", "Bohdan"),
        ("Olena", "Iryna", "Kateryna", "Yuliia", "Oksana", "Nataliia"),
        ("Kovalenko", "Bondarenko", "Tkachenko", "Shevchuk", "Melnyk", "Kravchenko"),
    ),
    "VE": Nation(
        ("spa",),
        ("José", "Luis", "Andrés", "Álvaro", "Jesús", "Ramón"),
        ("María", "Ana", "Lucía", "Sofía", "Yusmary", "Génesis"),
        ("Pérez", "González", "Ramírez", "Hernández", "Díaz", "Rodríguez", "Peña"),
    ),
    "GT": Nation(
        ("spa",),
        ("Juan", "Carlos", "Miguel", "Édgar", "Byron"),
        ("Rosa", "Marta", "Hilda", "Ixchel", "Dulce"),
        ("López", "García", "Cú", "Xol", "Morales", "Ajú"),
    ),
}

# Who tends to fly in through each origin.
ORIGIN_NATIONS: dict[str, tuple[str, ...]] = {
    "DOH": ("AF", "SY", "IQ", "MM", "AF"),
    "DXB": ("AF", "IQ", "SY", "MM"),
    "IST": ("AF", "SY", "UA", "IQ"),
    "ADD": ("ER", "SO", "CD", "RW", "CD"),
    "NBO": ("CD", "SO", "RW", "CD"),
    "FRA": ("CD", "UA", "ER", "SY"),
    "AMS": ("CD", "RW", "UA", "ER"),
    "CDG": ("CD", "RW", "CD", "SY"),
    "BOG": ("VE", "VE", "GT"),
    "PTY": ("VE", "GT", "VE"),
}

# carrier, number, origin, local arrival time at the port, hours in the air
ROUTES: dict[str, tuple[tuple[str, str, str, str, float], ...]] = {
    "ATL": (
        ("QR", "755", "DOH", "06:40", 16.0),
        ("AF", "682", "CDG", "13:35", 9.5),
        ("KL", "621", "AMS", "14:10", 9.5),
        ("TK", "31", "IST", "15:55", 12.0),
        ("ET", "518", "ADD", "20:25", 17.0),
    ),
    "EWR": (
        ("TK", "11", "IST", "05:45", 11.0),
        ("ET", "500", "ADD", "08:05", 16.0),
        ("EK", "225", "DXB", "09:10", 14.0),
        ("LH", "402", "FRA", "12:30", 9.0),
        ("CM", "838", "PTY", "22:15", 5.5),
    ),
    "IAD": (
        ("ET", "508", "ADD", "08:20", 17.0),
        ("QR", "707", "DOH", "07:15", 14.5),
        ("LH", "418", "FRA", "13:05", 9.0),
        ("TK", "7", "IST", "16:25", 11.5),
        ("EK", "231", "DXB", "18:40", 14.0),
    ),
    "IAH": (
        ("QR", "713", "DOH", "07:55", 17.0),
        ("EK", "211", "DXB", "09:35", 16.5),
        ("KL", "661", "AMS", "14:50", 11.0),
        ("TK", "33", "IST", "17:45", 13.5),
        ("AV", "56", "BOG", "23:40", 5.5),
    ),
    "JFK": (
        ("KQ", "2", "NBO", "06:15", 15.5),
        ("QR", "701", "DOH", "07:45", 14.0),
        ("EK", "201", "DXB", "08:45", 14.0),
        ("TK", "1", "IST", "13:40", 11.0),
        ("AF", "6", "CDG", "15:30", 8.5),
        ("ET", "504", "ADD", "21:10", 16.5),
    ),
    "ORD": (
        ("QR", "725", "DOH", "06:55", 14.5),
        ("LH", "430", "FRA", "12:45", 9.5),
        ("TK", "5", "IST", "14:20", 12.0),
        ("EK", "235", "DXB", "10:25", 15.0),
        ("ET", "502", "ADD", "19:35", 17.0),
    ),
    "LAX": (
        ("EK", "215", "DXB", "12:05", 16.0),
        ("QR", "739", "DOH", "07:50", 16.5),
        ("TK", "9", "IST", "18:50", 13.5),
        ("KL", "601", "AMS", "13:15", 11.0),
        ("AV", "84", "BOG", "05:35", 7.0),
    ),
}

# The port's own city (cases handed over to the agency by road), its domestic carrier, and the
# first of the 200 onward flight numbers it uses (two days' worth; no overlap between ports).
PORT_CITY = {
    "ATL": ("Clarkston, GA", "DL", 2000),
    "EWR": ("Elizabeth, NJ", "UA", 1200),
    "IAD": ("Silver Spring, MD", "UA", 1400),
    "IAH": ("Houston, TX", "UA", 1600),
    "JFK": ("Brooklyn, NY", "DL", 2200),
    "ORD": ("Chicago, IL", "UA", 1800),
    "LAX": ("San Diego, CA", "AA", 2400),
}

# Final destinations reached by an onward domestic flight: city, airport.
ONWARD_CITIES = (
    ("Boise, ID", "BOI"),
    ("Louisville, KY", "SDF"),
    ("Sacramento, CA", "SMF"),
    ("Columbus, OH", "CMH"),
    ("Phoenix, AZ", "PHX"),
    ("Buffalo, NY", "BUF"),
    ("Charlotte, NC", "CLT"),
    ("Salt Lake City, UT", "SLC"),
    ("Fargo, ND", "FAR"),
    ("Erie, PA", "ERI"),
    ("Spokane, WA", "GEG"),
    ("Minneapolis, MN", "MSP"),
    ("Dallas, TX", "DFW"),
    ("Denver, CO", "DEN"),
    ("Seattle, WA", "SEA"),
)
