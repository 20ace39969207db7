"""The Exploitation Screening Tool (domain.md section 3): indicators verbatim, and its rules.

The indicator texts are copied exactly from the tool, irregular spacing and punctuation included.
"""

import calendar
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from schemas.entities import Input, LongText, Person, Text


class Tier(StrEnum):
    """The four tiers of the tool."""

    SIGNIFICANT_RISK = "significant_risk"
    STRONG_INDICATORS = "strong_indicators"
    EARLY_INDICATORS = "early_indicators"
    VULNERABILITY_FACTORS = "vulnerability_factors"


TIER_OF_PREFIX = {
    "S": Tier.SIGNIFICANT_RISK,
    "T": Tier.STRONG_INDICATORS,
    "E": Tier.EARLY_INDICATORS,
    "V": Tier.VULNERABILITY_FACTORS,
}

# Code -> the tool's own words. T16 is three lines under one checkbox in the source: T16a/b/c.
INDICATORS: dict[str, str] = {
    "S1": "Previous victim of CSE/CCE",
    "S2": "Unexplained gifts , money or additional mobile phones",
    "S3": "Found in or Visiting hotels with adults",
    "S4": "Frequent and persistent  episodes  of Missing from home/care",
    "S5": "Recruiting others into exploitative situations",
    "S6": "Meeting known or unknown adults inappropriately",
    "S7": "Being groomed to meet via the internet",
    "S8": "Transported from town to town for sexual /or criminal activity with adults",
    "S9": "Found with large amount of drugs/ found in known drugs houses",
    "S10": "Significant change in appearance  and presentation",
    "S11": "Associating with known Child sexual/criminal exploitation perpetrators/ drug dealers, Gang members   or other victims of exploitation",
    "S12": "Presence at hotspot CSE areas such as taxi ranks, bus stations, off licences and take away, hotels, sea side towns",
    "S13": "Information of direct involvement in exploitation  from reliable sources",
    "S14": "Engaging in sexual activity with adults or with peers at young age",
    "S15": "Unexplained injury, hospital admission",
    "T1": "Considerable change in school performance / attendance / behaviour",
    "T2": "Multiple callers to address",
    "T3": "Receiving calls/text from unknown person / additional unexplained mobile phone or other mobile device",
    "T4": "Self-harming and/or suicide tendencies / Substance misuse",
    "T5": "Association with other victims of exploitation",
    "T6": "Multiple boyfriends/girlfriends",
    "T7": "Visits to and overnight stays at rural and or sea side towns where there is no family /friend connection etc.",
    "T8": "Involvement in crime or anti-social behaviour",
    "T9": "STI or Emergency Hormonal Contraception",
    "T10": "Forming relationships via internet",
    "T11": "Missing or Absent from home episodes",
    "T12": "Entering or leaving unknown vehicles",
    "T13": "Found in areas with no known connection",
    "T14": "Over sexualised behaviour for age",
    "T15": "Involvement in exploitative relationships",
    "T16a": "Involved in gang type activity.",
    "T16b": "Possessing large amount of unexplained cash.",
    "T16c": "Suspicious bank account activity",
    "T17": "Association with risky adults",
    "T18": "Pregnancy and/or termination",
    "T19": "Unexplained relationships with adults",
    "T20": "Evidence of self-harming",
    "T21": "Older boyfriend/girlfriend",
    "T22": "Unexplained physical injuries",
    "T23": "Exclusion from school due to behaviour – may not have been excluded - reduced timetable/alternative provision",
    "T24": "Change in physical appearance - weight loss/ weight gain / external signs such as extreme fatigue or sudden increase in make-up, tattoos, piercings etc.",
    "E1": "Absent/truanting from school",
    "E2": "Detached from age related activities",
    "E3": "Lack of interest in education",
    "E4": "Physically aggressive to other family members",
    "E5": "Frequent poor behaviour",
    "E6": "Secretive relationships",
    "E7": "Returning home late",
    "E8": "Secretive behaviour",
    "E9": "Becoming estranged from family",
    "E10": "Mood swings",
    "E11": "Hostility towards other family members",
    "E12": "Secretive about internet use",
    "E13": "Change in appearance – including sudden increase in make-up or tattoos or piercings etc.",
    "E14": "Change in sporting or leisure activities/ interests (e.g. no longer interested in football / dancing when they used to be)",
    "V1": "Live in a chaotic or dysfunctional family",
    "V2": "Low self-esteem or confidence",
    "V3": "Parents with mental health problems",
    "V4": "Live in residential or foster care or unstable adoptive placement",
    "V5": "Drugs or alcohol abuse",
    "V6": "Mental health problems",
    "V7": "Sexually active",
    "V8": "Subject of bullying",
    "V9": "History of sexual abuse within the family",
    "V10": "Social or learning difficulties",
    "V11": "Recent bereavement or loss",
    "V12": "Homeless",
    "V13": "Parents with drugs or alcohol abuse",
    "V14": "Migrant, refugee or asylum seeker",
    "V15": "Unsure of their sexual orientation",
    "V16": "Previous victim of CSE/CCE",
    "V17": "Lack of protective factors within family unit",
    "V18": "History of domestic abuse within the family",
}

IndicatorCode = Literal[
    "S1",
    "S2",
    "S3",
    "S4",
    "S5",
    "S6",
    "S7",
    "S8",
    "S9",
    "S10",
    "S11",
    "S12",
    "S13",
    "S14",
    "S15",
    "T1",
    "T2",
    "T3",
    "T4",
    "T5",
    "T6",
    "T7",
    "T8",
    "T9",
    "T10",
    "T11",
    "T12",
    "T13",
    "T14",
    "T15",
    "T16a",
    "T16b",
    "T16c",
    "T17",
    "T18",
    "T19",
    "T20",
    "T21",
    "T22",
    "T23",
    "T24",
    "E1",
    "E2",
    "E3",
    "E4",
    "E5",
    "E6",
    "E7",
    "E8",
    "E9",
    "E10",
    "E11",
    "E12",
    "E13",
    "E14",
    "V1",
    "V2",
    "V3",
    "V4",
    "V5",
    "V6",
    "V7",
    "V8",
    "V9",
    "V10",
    "V11",
    "V12",
    "V13",
    "V14",
    "V15",
    "V16",
    "V17",
    "V18",
]

BEHAVIOURAL_TIERS = frozenset(
    {Tier.SIGNIFICANT_RISK, Tier.STRONG_INDICATORS, Tier.EARLY_INDICATORS}
)
REVIEW_AFTER_MONTHS = 3  # W4: a "yes" forces a review, by default three months on
ADULT_AGE = 18
ADDITIONAL_NEEDS_AGE_LIMIT = 21  # R5: special consideration up to the age of 21
UNDER_13 = 13


def tier_of(code: str) -> Tier:
    """The tier an indicator code belongs to."""
    return TIER_OF_PREFIX[code[0]]


def add_months(day: date, months: int) -> date:
    """The same day so many months later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class RiskLevel(StrEnum):
    """The practitioner's judgement of the level of risk."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Screening(Input):
    """A completed screening: ticked indicators, comments, the yes/no outcome and its review.

    Rules enforced (domain.md 3.1 and 3.4): R2/R5 the tool is for under-18s, or up to 21 with
    additional needs or a learning disability; R4 no child under 13 and R6 no child with a
    learning disability may be assessed low risk when behavioural indicators are ticked; W4 a
    "yes" schedules a review, three months on unless another date is given.
    """

    child: Person
    screened_on: date
    indicators: Annotated[list[IndicatorCode], Field(max_length=len(INDICATORS))] = []
    comments: dict[Tier, LongText] = {}
    outcome: Literal["yes", "no"]
    risk_level: RiskLevel | None = None
    review_date: date | None = None
    completed_by: Text
    approved_by: Annotated[list[Text], Field(max_length=5)] = []

    @model_validator(mode="after")
    def _apply_the_rules(self) -> Self:
        age = self.child.age_on(self.screened_on)
        extended = self.child.flags.additional_needs or self.child.flags.learning_disability
        limit = ADDITIONAL_NEEDS_AGE_LIMIT if extended else ADULT_AGE - 1
        if age is not None and age > limit:
            raise ValueError(
                "the screening tool is for children under 18, or up to 21 with additional "
                f"needs or a learning disability; this child was {age} on screened_on"
            )
        behavioural = [c for c in self.indicators if tier_of(c) in BEHAVIOURAL_TIERS]
        if behavioural and self.risk_level is RiskLevel.LOW:
            if age is not None and age < UNDER_13:
                raise ValueError(
                    "R4: no child under 13 may be assessed low risk when "
                    "indicators of exploitation are present"
                )
            if self.child.flags.learning_disability:
                raise ValueError(
                    "R6: no child with a learning disability may be assessed low "
                    "risk when indicators of exploitation are present"
                )
        if self.outcome == "yes" and not self.indicators:
            raise ValueError("outcome 'yes' needs the indicators that support it")
        if self.review_date is not None and self.review_date <= self.screened_on:
            raise ValueError("review_date must be after screened_on")
        if self.outcome == "yes" and self.review_date is None:
            # The model is frozen; filling a default during validation is the one exception.
            review = add_months(self.screened_on, REVIEW_AFTER_MONTHS)
            object.__setattr__(self, "review_date", review)
        return self

    @property
    def indicator_texts(self) -> list[str]:
        """The ticked indicators in the tool's own words."""
        return [INDICATORS[code] for code in self.indicators]
