"""Personal data of the questionnaire and the agreement.

- The client's answers (special-category data can come up: health) and their acceptances are in
  the client's export; the coach's questionnaires and agreements (their own words) in the
  coach's. Answers are encrypted at rest and shown to nobody but the two of them.
- Erasure deletes all of it. Retention: answers are kept while the client's account exists (the
  coach reads them before and during the coaching; the coach can ask again, which adds a new
  response) and go with the account. Agreement acceptances are evidence of what the client agreed
  with the coach: they are kept, revoked ones with the time of revocation, for as long as the
  account exists, like the consent log. They are not kept past an erasure: SofaDoc is no party to
  the coaching agreement and no law obliges SofaDoc to keep it (§ 147 AO covers receipts, which
  billing keeps), and the privacy policy (§ 8) promises that withdrawing consent deletes the
  account with all its data. A coach who needs proof keeps their own copy.
- A coach's erasure deletes their questionnaire and agreement versions and with them (cascade)
  the answers and acceptances given to that practice: nobody may read them any more. The PDFs are
  deleted from the private storage with their rows.
"""

from privacy.registry import PersonalData, register

register(
    PersonalData(
        "intake.IntakeAnswer",
        subject="response__client",
        fields=["response__practice__name", "response__submitted_at", "question__label", "value"],
        order=380,
    ),
    PersonalData(
        "intake.IntakeResponse",
        subject="client",
        fields=["practice__name", "version__number", "requested_at", "submitted_at"],
        order=381,
    ),
    PersonalData(
        "intake.AgreementAcceptance",
        subject="client",
        fields=["version__practice__name", "version__number", "accepted_at", "revoked_at"],
        order=382,
    ),
    # Before practices.Practice (510), which detaches the owner the lookups go through.
    PersonalData(
        "intake.IntakeQuestion",
        subject="version__practice__owner",
        fields=["version__number", "position", "kind", "label", "help_text", "options", "required"],
        order=390,
    ),
    PersonalData(
        "intake.IntakeFormVersion",
        subject="practice__owner",
        fields=["number", "active", "created_at"],
        order=391,
    ),
    PersonalData(
        "intake.AgreementVersion",
        subject="practice__owner",
        fields=["number", "active", "text", "pdf_sha256", "created_at"],
        files=["pdf"],
        order=392,
    ),
)
