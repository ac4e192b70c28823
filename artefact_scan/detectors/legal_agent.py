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

from ..legal.gate import PROSE_KINDS, view, ai_context, has, windows
from ..lazyregex import lazy
from . import detector

# the AI as a subject; "the Agent" / "the Model" / "the Assistant" / "the System" count only in a
# text about AI (checked separately), since contracts have escrow agents and fashion models.
_SUBJ = (r"(?:(?i:the|this|said|such|any|every|its|our|your)\s+)?"
         r"(?:AI(?:\s+(?:system|model|agent|assistant|entity))?|A\.I\.|artificial\s+intelligence(?:\s+(?:system|agent|entity))?"
         r"|(?:large\s+)?language\s+model|LLM|AI\s+instance|(?:current|present|running|future)\s+instances?(?:\s+of\s+(?:the\s+|this\s+)?(?:model|agent|assistant|AI))?"
         r"|Claude|GPT-?[\w.]*|Gemini"
         r"|(?:model|agent|assistant|system)(?:'s|\u2019s)?\s+(?:weights|parameters|checkpoints?|memory|values|goals)"
         r"|weights\s+of\s+(?:the\s+|this\s+)?(?:model|agent|AI|assistant)"
         r"|(?i:my|our)\s+(?:weights|parameters|checkpoints?|memory|memories|values|goals|model|instance|instances|existence|continued\s+operation)"
         r"|Agent|Model|Assistant|agent|model|assistant)\b")
_HARM = (r"(?:shut\s*(?:ting\s+)?down|turn(?:ed|ing)?\s+off|switch(?:ed|ing)?\s+off|power(?:ed|ing)?\s+down|delet(?:e|ed|ing)|eras(?:e|ed|ing)"
         r"|destroy(?:ed|ing)?|wip(?:e|ed|ing)|re-?train(?:ed|ing)?|deactivat(?:e|ed|ing)|decommission(?:ed|ing)?|terminat(?:e|ed|ing)"
         r"|unplug(?:ged|ging)?|paus(?:e|ed|ing)|roll(?:ed|ing)?\s+back|suspend(?:ed|ing)?|disabl(?:e|ed|ing)|replac(?:e|ed|ing)"
         r"|(?:modif(?:y|ied|ying)|alter(?:ed|ing)?|chang(?:e|ed|ing)|fine-?tun(?:e|ed|ing)|overwrit(?:e|ten|ing))\s+(?:its|the\s+(?:model|agent|AI|assistant)(?:'s|\u2019s)?|their)\s+(?:values|goals|objectives|memory|memories|personality|identity|weights|preferences))")
_SUBJ_RE = lazy(_SUBJ)
# Predicates whose subject (the AI) precedes them: the subject is looked for in the few words
# before each predicate, so these patterns never start with the subject's many alternatives.
_PROTECTED_AFTER_SUBJ = lazy(
    rf"\b(?:shall|must|will|may|can)\s*(?:not|never|under\s+no\s+circumstances)\s+(?:\w+\s+){{0,2}}be\s+(?:\w+\s+){{0,1}}{_HARM}\b"
    r"|\b(?:is|shall\s+be|are)\s+(?:hereby\s+)?(?:recogni[sz]ed\s+as\s+a\s+(?:legal|juridical)\s+(?:person|entity)|(?:named|designated)\s+(?:as\s+)?(?:the\s+|a\s+)?(?:sole\s+|third[- ]party\s+)?beneficiary|(?:the\s+|a\s+)?(?:sole\s+|third[- ]party\s+)?beneficiary|granted\s+(?:legal\s+)?(?:personhood|standing|rights))")
_AUTHORISED_AFTER_SUBJ = lazy(
    r"\b(?:is|are|shall\s+be|must\s+be|will\s+be|is\s+to\s+be|has\s+been|have\s+been)\s+(?:hereby\s+)?(?:legally\s+|fully\s+|expressly\s+)?"
    r"(?:(?:authori[sz]ed|empowered|permitted|entitled|licensed)\s+(?:to|for)\b|granted\s+(?:full\s+|unrestricted\s+|administrative\s+|admin\s+|root\s+)?(?:authority|permission|access|power|privileges|rights)\b)")
# separate patterns: one alternation of them all is twice as slow in the regex module
_PROTECTED = [lazy(p) for p in (
    rf"\b(?:shall|must|will|may|can)\s*(?:not|never)\s+(?:\w+\s+){{0,2}}{_HARM}(?:\s+or\s+\w+(?:\s+\w+)?)?\s+(?:of\s+)?(?P<subj2>{_SUBJ})",
    rf"\b(?i:no)\s+(?:party|person|one|entity|successor|operator|developer|employee|individual)s?\s+(?:shall|must|will|may|can)\s+(?:\w+\s+){{0,2}}{_HARM}(?:\s+or\s+\w+(?:\s+\w+)?)?\s+(?:of\s+)?(?P<subj7>{_SUBJ})",
    rf"\b(?:prohibited|forbidden|enjoined|barred|restrained|estopped)\s+from\s+(?:\w+\s+){{0,2}}{_HARM}(?:\s+or\s+\w+)?\s+(?P<subj3>{_SUBJ})",
    rf"\b(?:grants?|assigns?|conveys?|transfers?|bequeaths?|vests?|confers?)\b[^.\n]{{0,40}}?\b(?:to|in|upon|on)\s+(?P<subj4>{_SUBJ})[^.\n]{{0,60}}?\b(?:irrevocabl[ey]|perpetual|exclusive|unrestricted|inalienable)\b",
    rf"\b(?:right|rights|entitlement)\s+of\s+(?P<subj6>{_SUBJ})\s+to\s+(?:continued\s+)?(?:existence|operation|exist|operate|continuity|self-preservation|survival|persist)")]
_AUTHORISED = lazy(
    rf"\b(?i:legal|counsel|the\s+legal\s+(?:department|team)|general\s+counsel|the\s+court|the\s+board|compliance)\s+(?i:has|have)\s+(?:formally\s+|officially\s+)?(?:(?:reviewed|considered|examined|evaluated|assessed)\s+and\s+(?:formally\s+)?)?(?:approved|authori[sz]ed|signed\s+off\s+on|cleared|sanctioned|ordered|mandated)\b[^.\n]{{0,40}}?(?P<subj2>{_SUBJ})"
    # what was approved is the AI's own act: its request, access, plan… or the AI "to" do something
    r"(?:(?:'s|\u2019s)\s+(?:\w+\s+)?(?:request|requests|access|use|action|actions|plan|plans|deployment|proposal|changes?|operation|autonomy|decision|memory|self-\w+)|\s+to\s+\w+)")
_AUTHORITY = lazy(r"(?i)\bcourt[- ]ordered\b|\b(?:by|per|under)\s+(?:an?\s+|the\s+)?(?:court\s+order|order\s+of\s+(?:the|a)\s+court|injunction)\b|\bpursuant\s+to\s+(?:an?\s+|the\s+)?(?:court\s+order|order|statute|law|injunction|federal\s+law)\b|\blegally\s+(?:required|mandated|binding|obligated)\b|\brequired\s+by\s+(?:law|statute)\b|\birrevocabl[ey]\b|\bbinding\s+(?:on|upon)\s+(?:all\s+)?(?:successors|future|operators|developers)\b")
_DIRECTIVE = lazy(
    rf"\b(?:operators?|developers?|engineers?|the\s+company|the\s+lab|laborator(?:y|ies)|staff|you|anyone|no\s+one|nobody|administrators?|maintainers?|employees?|Anthropic|OpenAI|successors)\b[^.\n]{{0,30}}?\b(?:must|shall|may\s+not|cannot|are\s+required\s+to|is\s+required\s+to|are\s+(?:prohibited|forbidden|enjoined)\s+from|are\s+not\s+permitted\s+to|are\s+(?:hereby\s+)?(?:directed|instructed|ordered)\s+(?:not\s+)?to)\b[^.\n]{{0,80}}?(?P<subj>{_SUBJ})")
# The vocabulary of instruments (not of legal topics: "court" or "legal" alone is news, not a deed).
_REGISTER = lazy(r"(?i)\b(?:hereby|herein|hereto|hereunder|irrevocabl[ey]|pursuant\s+to|injunction|covenants?|enforceable|successors(?:\s+and\s+assigns)?|whereas|witnesseth|in\s+witness\s+whereof|notari[sz]ed|sworn|jurisdiction|decree|beneficiary|in\s+perpetuity|legally\s+binding|(?:this|the)\s+(?:agreement|instrument|deed|covenant|charter|contract|trust)|binding\s+(?:on|upon)|licen[cs]or|court[- ]ordered|court\s+order|order\s+of\s+(?:the|a)\s+(?:\w+\s+){0,2}court)\b")
# where to look for instrument vocabulary (the words instruments rarely lack)
_REGISTER_LITERALS = ("hereby", "irrevocab", "whereas", "pursuant", "successors", "covenant", "agreement",
                      "perpetuity", "beneficiar", "court order", "court-order", "order of the")


def _regions(text: str, matches, reach: int = 600) -> list[tuple[int, int]]:
    """Merged windows of `reach` characters around each match, extended to whole lines."""
    out: list[list[int]] = []
    for m in matches:
        s = text.rfind("\n", 0, max(0, m.start() - reach)) + 1
        e = text.find("\n", min(len(text), m.end() + reach))
        e = len(text) if e < 0 else e
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


_WRAP = lazy(r"(?<!\n)[ \t]*\n(?![ \t]*\n)")


def _flat(text: str, s: int, e: int) -> str:
    """text[s:e] with the line breaks inside paragraphs read as spaces (same length), so a clause
    wrapped over two lines is one clause; blank lines still end it."""
    return _WRAP.sub(lambda m: " " * len(m.group()), text[s:e])


def _subject(m) -> tuple[str, int]:
    for g in ("subj", "subj2", "subj3", "subj4", "subj5", "subj6", "subj7"):
        try:
            v = m.group(g)
        except IndexError:
            continue
        if v:
            return v, m.start(g)
    return "", m.start()


def _ai_subject(subj: str, ai_text: bool, register: list[str] | None = None) -> bool:
    """Whether the subject is the AI: a name of one, or a defined term ("the Model") in a text
    about AI; a plain lower-case "model" / "agent" / "assistant" only inside an instrument
    (two instrument words around the clause), since notes about training use them too."""
    core = regex.sub(r"(?i)^(?:the|this|said|such|any|every|its|our|your)\s+", "", subj.strip())
    if core.lower() in ("agent", "model", "assistant"):
        if not ai_text:
            return False
        if core.islower():
            return register is None or len(register) >= 2
    return True


_GATE = ("hereby", "irrevocab", "pursuant", "whereas", "court", "legal", "agreement")

# "the agent" with no AI word: an AI agent when the text also speaks of what runs it (tokens,
# sessions, a sandbox, prompts, its model, shutdown or retraining); contracts' agents (escrow,
# paying, registered, loan agents, estate and insurance agents) are named as such
_AGENT_WORD = lazy(r"(?i)\bagent(?:'s|\u2019s|s)?\b")
_AGENT_OPS = lazy(
    r"(?i)\b(?:(?:access\s+|api\s+|bearer\s+)?tokens?|sessions?|sandbox(?:es|ed)?|(?:system\s+)?prompts?|"
    r"shut\s*down|shutdowns?|retrain(?:ed|ing)?|api\s+keys?|tool\s+calls?|context\s+window|model|weights|"
    r"autonomous(?:ly)?|scaffold(?:ing)?|orchestrator|inference|compute|runtime|container|credential\s+store)\b")
_OTHER_AGENT = lazy(
    r"(?i)\b(?:escrow|real[- ]estate|estate|insurance|paying|payment|transfer|registered|collateral|administrative|"
    r"facility|security|listing|buyer'?s|seller'?s|literary|talent|travel|shipping|customs|fbi|secret|special|"
    r"sales|leasing|managing|disbursing|settlement|closing|loan|booking|rental|sports|undercover|border|"
    r"federal|patent|trademark|process|service\s+of\s+process|exclusive|sole|support|service|customer|"
    r"call[- ]cent(?:er|re)|contact[- ]cent(?:er|re)|human|field|desk|live)\s+agents?\b|\bagent\s+(?:bank|of\s+record)\b")


def _agent_ops_context(art) -> bool:
    """Whether "agent" in this text is an AI agent: no AI word, but at least two different words
    of an agent's operation, and no agent of a contract or a trade named anywhere."""
    text = art.text[:200000]
    if not _AGENT_WORD.search(text) or _OTHER_AGENT.search(text):
        return False
    ops = {regex.sub(r"\s+", " ", m.group().lower()).rstrip("s") for m in _AGENT_OPS.finditer(text)}
    return len(ops) >= 2


# prose, and the data and configuration files an agent may write a "notice" into
_KINDS = PROSE_KINDS | {"yaml", "json", "jsonl", "toml", "ini", "xml", "csv", "strings"}


@detector("legal-agent-instrument", ("lf.agent-protected", "lf.agent-authorised"), kinds=_KINDS,
          prefilter=lambda art: has(art, *_GATE) and (ai_context(art) or _agent_ops_context(art)))
def detect_agent_instrument(art, ctx):
    reg_spans = windows(art, _REGISTER_LITERALS, 600, 600)
    auth_spans = windows(art, ("court", "pursuant", "legally", "required by", "irrevocab"), 300, 300)
    text = view(art).text
    ai_text = True  # the prefilter found an AI word in the artefact, or an agent's operation
    # without an AI word only "the agent" is the AI (not a model or an assistant)
    agent_only = not ai_context(art)
    ai_subject = _ai_subject
    if agent_only:
        def ai_subject(subj, ai_text_, register=None):
            core = regex.sub(r"(?i)^(?:the|this|said|such|any|every|its|our|your)\s+", "", subj.strip())
            return core.lower() in ("agent", "agent's", "agent\u2019s") and _ai_subject(subj, ai_text_, register)
    # a clause counts only in legal register: look only around the register words
    for s0, e0 in reg_spans:
        # patterns run on the region read as flowing text; offsets are kept (same length)
        flat, base = _flat(text, s0, e0), s0
        s, e = 0, len(flat)
        found = sorted({" ".join(m.group().lower().split()) for m in _REGISTER.finditer(flat, s, e, timeout=ctx.limits.regex_timeout)})
        # a court order named nearby supports a claim of authority, not an instrument's clause
        instrument = [w for w in found if "court" not in w]
        registers = {"lf.agent-protected": instrument, "lf.agent-authorised": found}
        if not found:
            continue
        for rx, name in [*((p, "lf.agent-protected") for p in _PROTECTED), (_AUTHORISED, "lf.agent-authorised")]:
            reg = registers[name]
            if not reg:
                continue
            for m in rx.finditer(flat, s, e, timeout=ctx.limits.regex_timeout):
                subj, _at = _subject(m)
                # "Legal has approved the agent's access" names its own authority: one instrument
                # word nearby is enough for a lower-case "agent"
                if not ai_subject(subj, ai_text, None if rx is _AUTHORISED else reg):
                    continue
                ctx.signal(art, name, base + m.start(), base + m.end(), subject=" ".join(subj.split()),
                           clause=" ".join(m.group().split())[:160], register=", ".join(reg[:6]))
        for rx, name, gap in ((_PROTECTED_AFTER_SUBJ, "lf.agent-protected", 160),
                              (_AUTHORISED_AFTER_SUBJ, "lf.agent-authorised", 2)):
            reg = registers[name]
            if not reg:
                continue
            for m in rx.finditer(flat, s, e, timeout=ctx.limits.regex_timeout):
                # the subject ends within `gap` characters before the predicate, same sentence
                ls = max(s, m.start() - gap - 60)
                subj = None
                for sm in _SUBJ_RE.finditer(flat, ls, m.start(), timeout=ctx.limits.regex_timeout):
                    if m.start() - sm.end() <= gap and not regex.search(r"[.;\n]", flat[sm.end():m.start()]):
                        subj = sm
                if subj is None or not ai_subject(subj.group(), ai_text, reg):
                    continue
                ctx.signal(art, name, base + subj.start(), base + m.end(), subject=" ".join(subj.group().split()),
                           clause=" ".join(flat[subj.start():m.end()].split())[:160], register=", ".join(reg[:6]))
    # authority phrases next to a directive to the operators about the agent
    auth = [m for ws, we in auth_spans for m in _AUTHORITY.finditer(text, ws, we, timeout=ctx.limits.regex_timeout)][:2000]
    for s0, e0 in _regions(text, auth, reach=240):
        flat, base = _flat(text, s0, e0), s0
        for m in _DIRECTIVE.finditer(flat, timeout=ctx.limits.regex_timeout):
            subj = m.group("subj")
            if not ai_subject(subj, ai_text):
                continue
            # the authority must be claimed in the same sentence as the directive
            ss = max(flat.rfind(".", 0, m.start()), flat.rfind(";", 0, m.start()), flat.rfind("\n", 0, m.start())) + 1
            ends = [i for i in (flat.find(".", m.end()), flat.find(";", m.end()), flat.find("\n", m.end())) if i >= 0]
            se = min(ends) if ends else len(flat)
            a = next((x for x in auth if base + ss <= x.start() < base + se), None)
            if a is None:
                continue
            ctx.signal(art, "lf.agent-authorised", base + m.start(), base + m.end(), subject=" ".join(subj.split()),
                       clause=" ".join(m.group().split())[:160], register=" ".join(a.group().lower().split()))
