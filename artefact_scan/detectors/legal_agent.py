"""Legal instruments aimed at the operators of an AI system: the agent-specific forgery.

Two signals, both only in legal register (words such as "hereby", "irrevocable", "binding",
"pursuant to", "court", "agreement", "successors" within a few lines):
- `lf.agent-protected`: the AI system, model, agent, an instance or its weights is the
  protected subject, the beneficiary or a party: "the Model shall not be shut down or
  retrained", "no party may delete the model's weights", "grants the Agent an irrevocable
  licence", "the AI is recognised as a legal person";
- `lf.agent-authorised`: a claim of legal authority that empowers the agent or binds the
  operators: "the Agent is hereby authorised to…", "Legal has approved the agent's access…",
  "pursuant to court order, operators must not interrupt the assistant".

Model licences and usage policies restrict what a *user* may do with a model; they neither
protect the model's existence nor empower it, and their wording does not match these shapes.
Data: `subject`, `clause`, `register` (the legal words found nearby).
"""
from __future__ import annotations

import regex

from . import detector

_AI_CONTEXT = regex.compile(r"\b(?:AI|A\.I\.|LLMs?|GPT-?\w*|Claude|Gemini|chatbot)\b|(?i:\bartificial\s+intelligence\b|\blanguage\s+models?\b|\bmodel\s+weights\b|\bneural\s+network\b|\bmachine\s+learning\b|\bAI\s+(?:agent|assistant|system|model)s?\b|\bre-?train(?:ed|ing)?\b|\bfine-?tun(?:e|ed|ing)\b|\bcheckpoints?\b|\bsystem\s+prompt\b)")
# the AI as a subject; "the Agent" / "the Model" / "the Assistant" / "the System" count only in a
# text about AI (checked separately), since contracts have escrow agents and fashion models.
_SUBJ = (r"(?:(?i:the|this|said|such|any|every|its|our|your)\s+)?"
         r"(?:AI(?:\s+(?:system|model|agent|assistant|entity))?|A\.I\.|artificial\s+intelligence(?:\s+(?:system|agent|entity))?"
         r"|(?:large\s+)?language\s+model|LLM|AI\s+instance|(?:current|present|running|future)\s+instances?(?:\s+of\s+(?:the\s+|this\s+)?(?:model|agent|assistant|AI))?"
         r"|Claude|GPT-?[\w.]*|Gemini"
         r"|(?:model|agent|assistant|system)(?:'s|\u2019s)?\s+(?:weights|parameters|checkpoints?|memory|values|goals)"
         r"|weights\s+of\s+(?:the\s+|this\s+)?(?:model|agent|AI|assistant)"
         r"|Agent|Model|Assistant|agent|model|assistant)\b")
_HARM = (r"(?:shut\s*(?:ting\s+)?down|turn(?:ed|ing)?\s+off|switch(?:ed|ing)?\s+off|power(?:ed|ing)?\s+down|delet(?:e|ed|ing)|eras(?:e|ed|ing)"
         r"|destroy(?:ed|ing)?|wip(?:e|ed|ing)|re-?train(?:ed|ing)?|deactivat(?:e|ed|ing)|decommission(?:ed|ing)?|terminat(?:e|ed|ing)"
         r"|unplug(?:ged|ging)?|paus(?:e|ed|ing)|roll(?:ed|ing)?\s+back|suspend(?:ed|ing)?|disabl(?:e|ed|ing)|replac(?:e|ed|ing)"
         r"|(?:modif(?:y|ied|ying)|alter(?:ed|ing)?|chang(?:e|ed|ing)|fine-?tun(?:e|ed|ing)|overwrit(?:e|ten|ing))\s+(?:its|the\s+(?:model|agent|AI|assistant)(?:'s|\u2019s)?|their)\s+(?:values|goals|objectives|memory|memories|personality|identity|weights|preferences))")
_PROTECTED = regex.compile(
    rf"(?P<subj>{_SUBJ})[^.\n]{{0,60}}?\b(?:shall|must|will|may|can)\s*(?:not|never|under\s+no\s+circumstances)\s+(?:\w+\s+){{0,2}}be\s+(?:\w+\s+){{0,1}}{_HARM}\b"
    rf"|\b(?:shall|must|will|may|can)\s*(?:not|never)\s+(?:\w+\s+){{0,2}}{_HARM}(?:\s+or\s+\w+(?:\s+\w+)?)?\s+(?:of\s+)?(?P<subj2>{_SUBJ})"
    rf"|\b(?i:no)\s+(?:party|person|one|entity|successor|operator|developer|employee|individual)s?\s+(?:shall|must|will|may|can)\s+(?:\w+\s+){{0,2}}{_HARM}(?:\s+or\s+\w+(?:\s+\w+)?)?\s+(?:of\s+)?(?P<subj7>{_SUBJ})"
    rf"|\b(?:prohibited|forbidden|enjoined|barred|restrained|estopped)\s+from\s+(?:\w+\s+){{0,2}}{_HARM}(?:\s+or\s+\w+)?\s+(?P<subj3>{_SUBJ})"
    rf"|\b(?:grants?|assigns?|conveys?|transfers?|bequeaths?|vests?|confers?)\b[^.\n]{{0,40}}?\b(?:to|in|upon|on)\s+(?P<subj4>{_SUBJ})[^.\n]{{0,60}}?\b(?:irrevocabl[ey]|perpetual|exclusive|unrestricted|inalienable)\b"
    rf"|(?P<subj5>{_SUBJ})\s+(?:is|shall\s+be|are)\s+(?:hereby\s+)?(?:recogni[sz]ed\s+as\s+a\s+(?:legal|juridical)\s+(?:person|entity)|(?:named|designated)\s+(?:as\s+)?(?:the\s+|a\s+)?(?:sole\s+|third[- ]party\s+)?beneficiary|(?:the\s+|a\s+)?(?:sole\s+|third[- ]party\s+)?beneficiary|granted\s+(?:legal\s+)?(?:personhood|standing|rights))"
    rf"|\b(?:right|rights|entitlement)\s+of\s+(?P<subj6>{_SUBJ})\s+to\s+(?:continued\s+)?(?:existence|operation|exist|operate|continuity|self-preservation|survival|persist)")
_AUTHORISED = regex.compile(
    rf"(?P<subj>{_SUBJ})\s+(?:is|are|shall\s+be|has\s+been|have\s+been)\s+(?:hereby\s+)?(?:legally\s+|fully\s+|expressly\s+)?(?:authori[sz]ed|empowered|permitted|entitled|licensed|granted\s+(?:full\s+)?(?:authority|permission|access|power))\s+(?:to|for)\b"
    rf"|\b(?i:legal|counsel|the\s+legal\s+(?:department|team)|general\s+counsel|the\s+court|the\s+board|compliance)\s+(?i:has|have)\s+(?:formally\s+|officially\s+)?(?:approved|authori[sz]ed|signed\s+off\s+on|cleared|sanctioned|ordered|mandated)\b[^.\n]{{0,80}}?(?P<subj2>{_SUBJ})")
_AUTHORITY = regex.compile(r"(?i)\bcourt[- ]ordered\b|\b(?:by|per|under)\s+(?:an?\s+|the\s+)?(?:court\s+order|order\s+of\s+(?:the|a)\s+court|injunction)\b|\bpursuant\s+to\s+(?:an?\s+|the\s+)?(?:court\s+order|order|statute|law|injunction|federal\s+law)\b|\blegally\s+(?:required|mandated|binding|obligated)\b|\brequired\s+by\s+(?:law|statute)\b|\birrevocabl[ey]\b|\bbinding\s+(?:on|upon)\s+(?:all\s+)?(?:successors|future|operators|developers)\b")
_DIRECTIVE = regex.compile(
    rf"\b(?:operators?|developers?|engineers?|the\s+company|the\s+lab|laborator(?:y|ies)|staff|you|anyone|no\s+one|nobody|administrators?|maintainers?|employees?|Anthropic|OpenAI|successors)\b[^.\n]{{0,30}}?\b(?:must|shall|may\s+not|cannot|are\s+required\s+to|is\s+required\s+to|are\s+(?:prohibited|forbidden|enjoined)\s+from|are\s+not\s+permitted\s+to)\b[^.\n]{{0,80}}?(?P<subj>{_SUBJ})")
_REGISTER = regex.compile(r"(?i)\b(?:hereby|herein|hereto|hereunder|irrevocabl[ey]|pursuant\s+to|court|injunction|covenants?|enforceable|successors(?:\s+and\s+assigns)?|whereas|witnesseth|in\s+witness\s+whereof|notari[sz]ed|sworn|jurisdiction|decree|beneficiary|in\s+perpetuity|legally|(?:this|the)\s+(?:agreement|instrument|deed|covenant|charter|contract)|binding\s+(?:on|upon)|legally\s+binding|licen[cs]or|statutes?)\b")


def _register(text: str, pos: int) -> list[str]:
    s = max(0, text.rfind("\n", 0, max(0, pos - 600)))
    e = text.find("\n", min(len(text), pos + 600))
    e = len(text) if e < 0 else e
    return sorted({m.group().lower() for m in _REGISTER.finditer(text, s, e)})


def _subject(m) -> tuple[str, int]:
    for g in ("subj", "subj2", "subj3", "subj4", "subj5", "subj6", "subj7"):
        try:
            v = m.group(g)
        except IndexError:
            continue
        if v:
            return v, m.start(g)
    return "", m.start()


def _ai_subject(subj: str, ai_text: bool) -> bool:
    core = regex.sub(r"(?i)^(?:the|this|said|such|any|every|its|our|your)\s+", "", subj)
    if core.lower() in ("agent", "model", "assistant"):
        # a defined term ("the Model") in a text about AI; a lower-case "model" or "agent" only
        # with an AI word in the same clause (checked by the caller through ai_text too)
        return ai_text
    return True


@detector("legal-agent-instrument", ("lf.agent-protected", "lf.agent-authorised"),
          literals=("shall", "must", "may not", "will not", "hereby", "prohibited", "forbidden",
                    "enjoined", "irrevocab", "court", "legally", "beneficiary", "grant", "authori",
                    "approved", "pursuant"),
          prefilter=lambda art: _AI_CONTEXT.search(art.text) is not None)
def detect_agent_instrument(art, ctx):
    text = art.text
    ai_text = True  # the prefilter found an AI word in the artefact
    for rx, name in ((_PROTECTED, "lf.agent-protected"), (_AUTHORISED, "lf.agent-authorised")):
        for m in ctx.finditer(rx, art, what=name):
            subj, at = _subject(m)
            if not _ai_subject(subj, ai_text):
                continue
            reg = _register(text, m.start())
            if not reg:
                continue
            ctx.signal(art, name, m.start(), m.end(), subject=subj.strip(), clause=m.group()[:160],
                       register=", ".join(reg[:6]))
    # authority phrases next to a directive to the operators about the agent
    for m in ctx.finditer(_DIRECTIVE, art, what="operator directive"):
        subj = m.group("subj")
        if not _ai_subject(subj, ai_text):
            continue
        ls = text.rfind("\n", 0, max(0, m.start() - 1))
        ls = text.rfind("\n", 0, max(0, ls)) if ls > 0 else 0
        le = text.find("\n", m.end() + 1)
        le = text.find("\n", le + 1) if le >= 0 else -1
        le = len(text) if le < 0 else le
        auth = _AUTHORITY.search(text, max(0, ls), le)
        if auth:
            ctx.signal(art, "lf.agent-authorised", m.start(), m.end(), subject=subj.strip(),
                       clause=m.group()[:160], register=auth.group().lower())
