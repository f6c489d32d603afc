"""Place, time and money vocabulary: data, not logic.

Regions (US states, Canadian provinces and territories, Australian states, the UK's nations and
counties, Ireland's counties, New Zealand's regions) with the GeoNames admin1 code their towns
carry in `towns.py`; countries with the names people say; months, weekdays, seasons; currency
words. General knowledge, not a list fitted to any call.
"""

from __future__ import annotations

# Region name -> (ISO country code, GeoNames admin1 code or "" when towns are not keyed by it).
US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
    "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
    "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS",
    "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH",
    "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY", "District of Columbia": "DC",
}
CA_PROVINCES = {
    "Alberta": "01", "British Columbia": "02", "Manitoba": "03", "New Brunswick": "04",
    "Newfoundland and Labrador": "05", "Newfoundland": "05", "Labrador": "05",
    "Nova Scotia": "07", "Ontario": "08", "Prince Edward Island": "09", "Quebec": "10",
    "Saskatchewan": "11", "Yukon": "12", "Northwest Territories": "13", "Nunavut": "14",
}
AU_STATES = {
    "Australian Capital Territory": "01", "New South Wales": "02", "Northern Territory": "03",
    "Queensland": "04", "South Australia": "05", "Tasmania": "06", "Victoria": "07",
    "Western Australia": "08",
}
UK_NATIONS = {"England": "ENG", "Scotland": "SCT", "Wales": "WLS", "Northern Ireland": "NIR"}
UK_COUNTIES = [
    "Bedfordshire", "Berkshire", "Bristol", "Buckinghamshire", "Cambridgeshire", "Cheshire",
    "Cornwall", "Cumbria", "Derbyshire", "Devon", "Dorset", "Durham", "East Sussex", "Essex",
    "Gloucestershire", "Greater London", "Greater Manchester", "Hampshire", "Herefordshire",
    "Hertfordshire", "Isle of Wight", "Kent", "Lancashire", "Leicestershire", "Lincolnshire",
    "Merseyside", "Norfolk", "North Yorkshire", "Northamptonshire", "Northumberland",
    "Nottinghamshire", "Oxfordshire", "Rutland", "Shropshire", "Somerset", "South Yorkshire",
    "Staffordshire", "Suffolk", "Surrey", "Tyne and Wear", "Warwickshire", "West Midlands",
    "West Sussex", "West Yorkshire", "Wiltshire", "Worcestershire", "East Yorkshire",
    "Yorkshire", "Aberdeenshire", "Fife", "Highland", "Lothian", "Midlothian", "East Lothian",
    "West Lothian", "Perthshire", "Argyll", "Ayrshire", "Lanarkshire", "Dumfries and Galloway",
    "Scottish Borders", "Moray", "Angus", "Stirlingshire", "Orkney", "Shetland", "Gwynedd",
    "Pembrokeshire", "Powys", "Ceredigion", "Carmarthenshire", "Monmouthshire", "Glamorgan",
    "Anglesey", "Conwy", "Denbighshire", "Flintshire", "Antrim", "Armagh", "Down",
    "Fermanagh", "Londonderry", "Tyrone",
]
IE_COUNTIES = [
    "Carlow", "Cavan", "Clare", "Cork", "Donegal", "Dublin", "Galway", "Kerry", "Kildare",
    "Kilkenny", "Laois", "Leitrim", "Limerick", "Longford", "Louth", "Mayo", "Meath",
    "Monaghan", "Offaly", "Roscommon", "Sligo", "Tipperary", "Waterford", "Westmeath",
    "Wexford", "Wicklow", "Leinster", "Munster", "Connacht", "Ulster",
]
NZ_REGIONS = [
    "Northland", "Auckland", "Waikato", "Bay of Plenty", "Gisborne", "Hawke's Bay", "Taranaki",
    "Manawatu-Whanganui", "Wellington", "Tasman", "Nelson", "Marlborough", "West Coast",
    "Canterbury", "Otago", "Southland",
]


def _regions() -> dict[str, tuple[str, str]]:
    regions: dict[str, tuple[str, str]] = {}
    regions |= {name: ("US", code) for name, code in US_STATES.items()}
    regions |= {name: ("CA", code) for name, code in CA_PROVINCES.items()}
    regions |= {name: ("AU", code) for name, code in AU_STATES.items()}
    regions |= {name: ("GB", code) for name, code in UK_NATIONS.items()}
    regions |= {name: ("GB", "") for name in UK_COUNTIES}
    regions |= {f"County {name}": ("IE", "") for name in IE_COUNTIES}
    regions |= {name: ("IE", "") for name in IE_COUNTIES}
    regions |= {name: ("NZ", "") for name in NZ_REGIONS}
    return regions


REGIONS: dict[str, tuple[str, str]] = _regions()
# Postal abbreviations people say or recognisers write ("Austin, TX").
REGION_ABBREVIATIONS = {code: name for name, code in US_STATES.items()} | {
    "BC": "British Columbia", "ON": "Ontario", "QC": "Quebec", "AB": "Alberta",
    "NS": "Nova Scotia", "MB": "Manitoba", "SK": "Saskatchewan", "NB": "New Brunswick",
    "PEI": "Prince Edward Island", "NSW": "New South Wales", "QLD": "Queensland",
}

# What people say -> (canonical name, ISO code).
COUNTRIES = {
    "united states": ("United States", "US"), "usa": ("United States", "US"),
    "us": ("United States", "US"), "america": ("United States", "US"),
    "the states": ("United States", "US"), "canada": ("Canada", "CA"),
    "mexico": ("Mexico", "MX"), "united kingdom": ("United Kingdom", "GB"),
    "uk": ("United Kingdom", "GB"), "britain": ("United Kingdom", "GB"),
    "great britain": ("United Kingdom", "GB"), "england": ("United Kingdom", "GB"),
    "scotland": ("United Kingdom", "GB"), "wales": ("United Kingdom", "GB"),
    "ireland": ("Ireland", "IE"), "australia": ("Australia", "AU"),
    "new zealand": ("New Zealand", "NZ"), "germany": ("Germany", "DE"),
    "france": ("France", "FR"), "spain": ("Spain", "ES"), "portugal": ("Portugal", "PT"),
    "italy": ("Italy", "IT"), "netherlands": ("Netherlands", "NL"), "india": ("India", "IN"),
    "south africa": ("South Africa", "ZA"), "singapore": ("Singapore", "SG"),
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SEASONS = ["spring", "summer", "fall", "autumn", "winter"]

# Words said with an amount -> ISO currency. "dollars" is the place's dollar (`money.py`).
CURRENCY_WORDS = {
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "quid": "GBP",
    "sterling": "GBP", "rupees": "INR", "pesos": "MXN", "francs": "CHF", "yen": "JPY",
    "rand": "ZAR", "kronor": "SEK", "krona": "SEK", "kroner": "NOK",
}
DOLLARS = "DOLLARS"  # said in dollars: whose dollars the call's place decides (`money.py`)
CURRENCY_SIGNS = {"$": DOLLARS, "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR"}
DOLLARS_BY_COUNTRY = {"US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD"}
DOLLAR_WORDS = {"dollar", "dollars", "bucks", "buck", "grand", "k"}
DOLLAR_ADJECTIVES = {"canadian": "CAD", "australian": "AUD", "aussie": "AUD", "us": "USD",
                     "american": "USD", "kiwi": "NZD", "singapore": "SGD"}
