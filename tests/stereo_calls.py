"""Two-channel test calls: one script, spoken with the sides apart (tests/speech.py).

The agent introduces themself by name (Megan) before the customer gives theirs: the call a
mono pipeline most easily gets wrong (the agent's name taken as the customer's). It has a long
pause and one overlap (the agent's "Perfect" over the end of the customer's sentence).
"""

from __future__ import annotations

AGENT_NAME = "Megan"
SOLAR_TURNS = [
    ["A", "Thank you for calling Bright Harbor Solar, this is Megan, how can I help you today?"],
    ["C", "Hi Megan, I am calling about solar panels for my house.", 0.8],
    ["A", "Great, I can help with that. Can I get your name please?"],
    ["C", "Sure, my name is Daniel Okafor."],
    ["A", "Thanks Daniel. And where is the house?"],
    ["C", "It is in Denver, Colorado.", 1.5],
    ["A", "What budget do you have in mind?"],
    ["C", "About twenty thousand dollars, and we would like it done before the summer."],
    ["A", "Perfect, that works.", -1.2],
    ["A", "I will email you a quote by Friday."],
    ["C", "Sounds good, thank you."],
]
SOLAR_TRUTH = {"customer_name": "Daniel Okafor", "city": "Denver", "region": "Colorado",
               "budget": "20,000"}
