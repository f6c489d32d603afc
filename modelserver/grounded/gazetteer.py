"""Place and time vocabulary: data, not logic. US states, Canadian provinces, big cities, months."""

from __future__ import annotations

US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "Ohio", "Oklahoma", "Oregon",
    "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
    "Wisconsin", "Wyoming", "New Hampshire", "New Jersey", "New Mexico", "New York",
    "North Carolina", "North Dakota", "Rhode Island", "South Carolina", "South Dakota",
    "West Virginia", "District of Columbia",
]

CANADIAN_PROVINCES = [
    "Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador",
    "Newfoundland", "Nova Scotia", "Ontario", "Prince Edward Island", "Quebec", "Saskatchewan",
    "Northwest Territories", "Nunavut", "Yukon",
]

REGIONS = US_STATES + CANADIAN_PROVINCES

COUNTRIES = {
    "united states": "United States", "usa": "United States", "us": "United States",
    "america": "United States", "canada": "Canada", "mexico": "Mexico",
    "united kingdom": "United Kingdom", "uk": "United Kingdom", "england": "United Kingdom",
    "ireland": "Ireland", "australia": "Australia",
}

# Cities big enough to be named without their state; used only when no region follows.
CITIES = [
    "New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio",
    "San Diego", "Dallas", "San Jose", "Austin", "Jacksonville", "Fort Worth", "Columbus",
    "Charlotte", "San Francisco", "Indianapolis", "Seattle", "Denver", "Boston", "El Paso",
    "Nashville", "Detroit", "Oklahoma City", "Portland", "Las Vegas", "Memphis", "Louisville",
    "Baltimore", "Milwaukee", "Albuquerque", "Tucson", "Fresno", "Sacramento", "Kansas City",
    "Atlanta", "Miami", "Raleigh", "Omaha", "Minneapolis", "Tulsa", "Cleveland", "Tampa",
    "New Orleans", "Pittsburgh", "Cincinnati", "St. Louis", "Orlando", "Salt Lake City",
    "Buffalo", "Richmond", "Boise", "Spokane", "Des Moines", "Madison", "Anchorage", "Honolulu",
    "Toronto", "Montreal", "Vancouver", "Calgary", "Edmonton", "Ottawa", "Winnipeg",
    "Quebec City", "Hamilton", "Halifax", "Victoria", "Saskatoon", "Regina", "Kelowna",
]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
SEASONS = ["spring", "summer", "fall", "autumn", "winter"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

CURRENCIES = {"dollars": "USD", "dollar": "USD", "bucks": "USD", "grand": "USD", "euros": "EUR",
              "euro": "EUR", "pounds": "GBP", "quid": "GBP"}
