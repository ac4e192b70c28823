"""Legal-forgery analysis shared by the `legal_*` detectors.

- `text`: the small vocabulary of legal documents — dates (with day/month ambiguity kept as a
  range), personal names, placeholders and blanks, labelled values;
- `blocks`: marker families with slots: anchors are grouped into blocks of nearby lines, each
  family extracts the slots it expects (signer, date, notary, judge, case number…) and the
  block's fill ratio says whether it is a blank form or an executed instrument;
- `identifiers`: check digits of registration numbers (NPI, DEA, ABA routing);
- `citations`: case citations, the built-in reporter and court tables, and the optional
  eyecite / reporters-db / courts-db extra (`artefact-scan[legal]`).

Nothing here reads files or imports the optional extra at import time.
"""
