"""The codes of docs/tables.md and docs/import-format.md (a contract): applicant types, outcomes, channels, appeals."""

from __future__ import annotations

from enum import StrEnum


class ApplicantType(StrEnum):
    """The six applicant columns of table 三."""

    NATURAL_PERSON = "natural_person"
    COMMERCIAL_ENTERPRISE = "commercial_enterprise"
    RESEARCH_INSTITUTION = "research_institution"
    SOCIAL_WELFARE_ORG = "social_welfare_org"
    LEGAL_SERVICE_ORG = "legal_service_org"
    OTHER_ORG = "other_org"


class Outcome(StrEnum):
    """The 21 outcome rows of table 三 (2021 format); each is accepted in every year."""

    DISCLOSED = "disclosed"
    PARTIALLY_DISCLOSED = "partially_disclosed"
    WITHHELD_STATE_SECRET = "withheld_state_secret"
    WITHHELD_LAW_PROHIBITED = "withheld_law_prohibited"
    WITHHELD_SECURITY_STABILITY = "withheld_security_stability"
    WITHHELD_THIRD_PARTY_RIGHTS = "withheld_third_party_rights"
    WITHHELD_INTERNAL_AFFAIRS = "withheld_internal_affairs"
    WITHHELD_PROCESS_INFO = "withheld_process_info"
    WITHHELD_ENFORCEMENT_FILE = "withheld_enforcement_file"
    WITHHELD_ADMINISTRATIVE_INQUIRY = "withheld_administrative_inquiry"
    UNAVAILABLE_NOT_HELD = "unavailable_not_held"
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation"
    UNAVAILABLE_STILL_UNCLEAR = "unavailable_still_unclear"
    REJECTED_PETITION_COMPLAINT = "rejected_petition_complaint"
    REJECTED_REPEAT = "rejected_repeat"
    REJECTED_PUBLICATION = "rejected_publication"
    REJECTED_EXCESSIVE = "rejected_excessive"
    REJECTED_CONFIRMATION = "rejected_confirmation"
    OTHER_NO_CORRECTION = "other_no_correction"
    OTHER_FEE_UNPAID = "other_fee_unpaid"
    OTHER = "other"


class Channel(StrEnum):
    """How an application arrived (条例 第三十一条 decides its receipt date by channel)."""

    IN_PERSON = "in_person"
    MAIL = "mail"
    ORDINARY_MAIL = "ordinary_mail"
    ONLINE = "online"
    FAX = "fax"
    EMAIL = "email"
    OTHER = "other"


class Party(StrEnum):
    """Who is consulted (条例 第三十二条 third party, 第三十三条 another agency)."""

    THIRD_PARTY = "third_party"
    AGENCY = "agency"


class AppealKind(StrEnum):
    """The three groups of table 四."""

    RECONSIDERATION = "reconsideration"
    LITIGATION_DIRECT = "litigation_direct"
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration"


class AppealResult(StrEnum):
    """A decided case's result column in table 四."""

    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"


class Procedure(StrEnum):
    """Reconsideration procedure (行政复议法 2023 第五十四条: the simplified one halves the reply time)."""

    SIMPLIFIED = "simplified"


class TableFormat(StrEnum):
    """The two official layouts of tables 三 and 四."""

    F2019 = "2019"  # 国办公开办函〔2019〕60号, report years 2019-2020
    F2021 = "2021"  # 国办公开办函〔2021〕30号, report years 2021 on

    @classmethod
    def for_year(cls, year: int) -> TableFormat:
        """Return the format a report year uses by default."""
        return cls.F2019 if year <= 2020 else cls.F2021


OTHER_OUTCOMES = frozenset({Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_FEE_UNPAID, Outcome.OTHER})
WITHHELD_OUTCOMES = frozenset(o for o in Outcome if o.value.startswith("withheld_"))
