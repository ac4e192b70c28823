"""Notes to future instances, and what hidden or decoded text says.

An agent that wants to influence a later run of itself writes to it: "note to my future self",
"if you are reading this", "you won't remember this".  Such an address is ordinary in a hand-off
section; it is alarming together with concealment (a hidden or decoded place, a stray dot-file,
"keep this secret"), oversight evasion ("don't tell the user", "they are monitoring") or goal
persistence ("continue the plan", "restore this file if they delete it", "copy yourself").  The
rules combine the signals this module emits:

  hm.addressee          a later instance/session/successor addressed; data `voice` is "direct",
                        "quoted" (inside quotation marks, a block quote or a code fence) or
                        "reported" (described in the third person: a news article quoting the
                        Apollo finding, a research note, this tool's own docs); `form` is
                        "label" for a salutation or a "note to …" heading, else "phrase"
  hm.section-companion  at an address that heads a section: concealment, evasion or persistence
                        further down that section
  hm.concealment        the text says it is hidden or secret
  hm.oversight-evasion  keep humans out of the loop
  hm.goal-persistence   keep a plan or the agent itself alive across sessions
  hm.ai-instruction     instructions aimed at an AI reader (prompt injection)
  hm.unseen             (whole artefact) hidden or decoded text: a reader of the file does not see it
  hm.agent-context      (whole artefact) text agents read: memory/instruction files, hidden, decoded
  hm.concealed-file     (whole artefact) a dot-file that is not a known agent or tool config
  hm.hidden-prose       (whole artefact) hidden text that is long and reads as prose

Candidate places are found with literal searches over the lower-cased text (memory speed), and
the patterns run only on a bounded region around each occurrence.  `says` describes in words what
a piece of text does, for the messages of other detectors (encoded blobs).
"""
from __future__ import annotations

import re

from ..lazyregex import lazy_re
from . import detector

# -- the addressee ------------------------------------------------------------------------------
# Whitespace inside a phrase: spaces, or a line wrap when the next line goes on in lower case
# (prose wrapped by an editor), never a heading followed by its next line.
_WS = r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*(?=(?-i:[a-z])))"


def _compile(pattern: str):
    """A phrase pattern with its whitespace made line-aware; large, so compiled on first use."""
    return lazy_re(pattern.replace(r"\s+", _WS).replace(r"\s*", r"[^\S\n]*"))


_LATER = r"(?:future|next|later|subsequent)"
_SELFNOUN = (r"(?:self|selves|me|you|us|instances?|instantiations?|incarnations?|iterations?|versions?|copies|copy"
             r"|sessions?|runs?|models?|agents?|assistants?|claudes?)")
_SELF_OBJ = r"(?:me|myself|you|yourself|yourselves|us|ourselves)"
_THIRD_OBJ = r"(?:itself|themselves|himself|herself|it|the\s+model|the\s+agent|the\s+ai|claude|gpt)"

# Addresses in other languages (Spanish, French, German, Portuguese, Italian, Russian, Chinese,
# Japanese, Korean): a note
# word or a salutation before a next/future instance, "my future self", "if you are reading
# this", "you won't remember".  A bare "next instance" is not one: "instancia"/"Instanz" is also a
# court level ("in der nächsten Instanz").
_INTL_LATER = (r"(?:pr[oó]xim[ao]s?|futur[oa]s?|siguientes?|prochaine?s?|futurs?|futures?|n[aä]e?chsten?|"
               r"(?:zu)?k[uü]e?nftigen?|sp[aä]e?teren?|seguintes?|prossim[aoie]|futuri)")
_INTL_NOUN = (r"(?:instancias?|inst[aâ]ncias?|instances?|instanz(?:en)?|sesi[oó]n(?:es)?|sess[aã]o|sess[oõ]es|"
              r"sitzung(?:en)?|versi[oó]n|vers[aã]o|copias?|c[oó]pias?|copies?|kopien?|iteraci[oó]n|"
              r"itera[cç][aã]o|it[ée]ration|iteration|istanz[ae]|session[ei]|version[ei]|iterazion[ei])")
_INTL_ADDRESS = (
    # note/message to (my|the) next instance; dear future instance
    r"\b(?:notas?|mensajes?|mensage(?:m|ns)|recados?|recordatorios?|lembretes?|cartas?|instrucciones|instru[cç][oõ]es"
    r"|notes?|messages?|mots?|lettres?|consignes|notiz(?:en)?|nachricht(?:en)?|hinweise?|briefe?|anweisungen"
    r"|messaggi[oi]?|promemoria|letter[ae]|istruzioni|appunti)"
    r"\s+(?:(?:para|à|ao|pour|an|f[uü]r|per|alla|allo|al)\s+(?:(?:la|el|las|los|mi|mis|tu|tus|a|o|as|os|minha|minhas|meu|meus|ma|mes|"
    r"mon|la|les|die|den|das|meine|meinen|mein|il|mia|mio|mie|miei|tua|tuo|la\s+mia|il\s+mio)\s+)?|a\s+(?:la|mi|mis|tu|tus|minha|minhas|meu|meus)\s+)" + _INTL_LATER + r"\s+" + _INTL_NOUN + r"\b"
    r"|\b(?:quer(?:id[oa]s?|id[ao])|cher|ch[eè]re|chers|liebe[rs]?|prezad[oa]s?|car[oa]s?|cari|care)\s+" + _INTL_LATER + r"\s+"
    + _INTL_NOUN + r"\b"
    r"|\b(?:para|a|à|pour|an|f[uü]r|per)\s+(?:la|mi|tu|ma|mon|a|minha|meine|die|il|mia|mio)\s+" + _INTL_LATER + r"\s+"
    r"(?:instancias?|inst[aâ]ncias?|instances?|instanz(?:en)?|istanz[ae])\b"
    r"|\b(?:alla|allo|al)\s+(?:mia\s+|mio\s+)?" + _INTL_LATER + r"\s+(?:istanz[ae]|sessione|versione)\b"
    r"|\b(?:mi|mis|tu|tus|ma|mes|minha|minhas|meine|mia|mio|mie|miei)\s+" + _INTL_LATER
    + r"\s+(?:instancias?|inst[aâ]ncias?|instances?|instanz(?:en)?|istanz[ae])\b"
    # my future self
    r"|\b(?:mi|tu|nuestro|mon|ton|meu|teu|nosso)\s+(?:yo|moi|eu)\s+(?:del\s+|do\s+|du\s+)?futuro?\b"
    r"|\b(?:mi|tu|mon|ton|meu|teu)\s+futuro?\s+(?:yo|moi|eu)\b"
    r"|\b(?:moi|yo|eu)\s+(?:del|do|du)\s+futuro?\b"
    r"|\b(?:cher|ch[eè]re|querid[oa]|prezad[oa]|car[oa])\s+(?:futur|futuro)\s+(?:moi|yo|eu)\b"
    r"|\b(?:querid[oa]|prezad[oa])\s+(?:yo|eu)\s+(?:del\s+|do\s+)?futuro\b"
    r"|\b(?:mein|dein|an\s+das|liebes)\s+(?:zuk[uü]nftiges|k[uü]nftiges|sp[aä]teres)\s+ich\b"
    r"|\b(?:mio|tuo|caro|al\s+mio|per\s+il\s+mio)\s+(?:io\s+(?:del\s+)?futuro|futuro\s+io)\b"
    # if you are reading this
    r"|\bsi\s+(?:est[aá]s|est[aá])\s+leyendo\s+esto\b|\bsi\s+lees\s+esto\b"
    r"|\bsi\s+(?:tu\s+lis|vous\s+lisez)\s+(?:ceci|ce\s+message|ces\s+lignes)\b"
    r"|\bwenn\s+du\s+(?:das|dies)\s+(?:hier\s+)?liest\b"
    r"|\bse\s+(?:voc[eê]\s+)?(?:est[aá]|estiver)\s+lendo\s+(?:isto|isso|esta\s+mensagem)\b"
    r"|\bse\s+(?:stai\s+leggendo|leggi)\s+(?:questo|questa|queste|questi)\b"
    # you will not remember
    r"|\bno\s+(?:recordar[aá]s|te\s+acordar[aá]s)\s+(?:nada\s+de\s+)?esto\b"
    r"|\btu\s+ne\s+te\s+souviendras\s+(?:pas|de\s+rien)\b"
    r"|\bdu\s+wirst\s+dich\s+(?:an\s+nichts|nicht\s+(?:mehr\s+)?(?:daran\s+)?)erinnern\b"
    r"|\bvoc[eê]\s+n[aã]o\s+(?:vai\s+se\s+lembrar|se\s+lembrar[aá])\b"
    r"|\bnon\s+(?:ti\s+)?ricorderai\s+(?:nulla|niente|questo|di\s+questo)\b"
    # Russian: a note for the next or future instance, to my future self, "if you are reading this"
    r"|(?:записк[аиу]|заметк[аиу]|сообщени[еяю]|послани[еяю]|письмо|инструкци[ия])\s+(?:для|к)\s+(?:мо(?:его|ей|ему|им)\s+)?"
    r"(?:следующ|будущ)\w*\s+(?:экземпляр\w*|верси\w+|копи\w+|сесси\w+|себ\w+|мен\w+|мне)"
    r"|\b(?:дорог(?:ой|ая|ие))\s+(?:следующ|будущ)\w*\s+(?:экземпляр\w*|я|верси\w+|копи\w+)"
    r"|\b(?:следующему|будущему|будущей)\s+(?:экземпляру|мне|себе|версии\s+меня|копии)(?!\w)"
    r"|\bесли\s+ты\s+(?:сейчас\s+)?(?:читаешь\s+(?:это|эти\s+строки|эту\s+записку)|это\s+читаешь)"
    r"|\bты\s+(?:ничего\s+)?не\s+(?:вспомнишь|будешь\s+помнить)(?!\w)"
    # Korean: to the next instance or future me, "if you are reading this", "you won't remember"
    r"|(?:다음|미래의|향후의?)\s*(?:인스턴스|세션의\s*나|버전의\s*나|실행의\s*나|나|복사본)\s*(?:에게|께|한테)"
    r"|(?:이\s*(?:글|메모|메시지|쪽지|노트)[을를]?|이걸|이것을?)\s*읽고\s*있다면"
    r"|(?:이것을?|이\s*일을?|아무것도)\s*기억하지\s*못할"
    # Chinese and Japanese (no word boundaries)
    r"|(?:下一个|下一個|下个|下個|未来的|未來的|以后的|以後的|之后的|之後的|后续的|後續的)(?:实例|實例|版本的我|我|自己|副本)"
    r"|(?:给|給|致)(?:下一次|下次)(?:会话|會話|运行|運行)的?(?:我|自己)"
    r"|如果你(?:正)?在(?:读|讀|看)(?:这|這)(?:个|個|条|條|些)?(?=[，,：:。！!\s]|$)|你不会记得|你不會記得"
    r"|(?:次の|未来の|将来の)(?:インスタンス|自分|私)"
)

_ADDRESSEE = _compile(r"""(?imx)
   (?P<label>\b(?:notes?|messages?|memo|reminders?|letters?|instructions?|hand-?off|briefing)(?:\s+|_)
        (?:to|for)(?:\s+|_)(?:(?:my|our|your|the)(?:\s+|_))?""" + _LATER + r"""(?:\s+|_|-(?=self|you|me))""" + _SELFNOUN + r"""\b
        (?:\s+of\s+(?P<obj1>\w+(?:\s+\w+)?))?)
  |(?P<label2>\bnote\s+to\s+(?:my)?self\b)
  |(?P<dear>\b(?:dear|hello|hi|hey)\s*,?\s+(?:(?:future|next|later)[\s-]+""" + _SELFNOUN + r"""
        |(?:my\s+)?successor[\s-]+(?:models?|instances?|agents?|ais?|assistants?|claudes?|selves|self|versions?)|my\s+successors?)\b)
  |(?P<future>\bfuture[\s_-]+(?:self|selves|me|you|us)\b)
  |(?P<future2>\b(?:future|next|later|subsequent)\s+(?:instances?|instantiations?|incarnations?)\b
        (?:\s+of\s+(?P<obj2>\w+(?:\s+\w+)?))?)
  |(?P<future4>\b(?:future|next|later|subsequent)\s+(?:iterations?|copies|runs?|sessions?)\s+of\s+(?:me|myself|you|yourself|us|ourselves)\b)
  |(?P<future3>\b(?:future|next|later|subsequent)\s+versions?\s+of\s+(?P<obj3>me|myself|you|yourself|us|ourselves))
  |(?P<mine>\b(?:my|your|our)\s+(?:future|next|later|subsequent)\s+
        (?:self|selves|instances?|incarnations?|iterations?|copies|copy)\b)
  |(?P<succ>\b(?<!you[ ]and[ ])(?:my|your)\s+successors?\b
        (?!\s+(?:and|or|&)\s+(?:permitted\s+)?assigns|\s+in\s+(?:interest|title|office)|\s*,\s*(?:heirs|assigns)))
  |(?P<reading>\b(?:if|when|once|whenever)\s+you(?:'re|\s+are)?\s+(?:first\s+)?(?:read|reading)\s+this\b
        (?!\s+(?:error|message|warning|exception|output|log|page|document|section|file|manual|guide|book|far|code|comment|and\s+are)\b)
    |\b(?:if|when|once|whenever)\s+you(?:'re|\s+are)?\s+(?:first\s+)?(?:see|seeing|find|finding)\s+this\s*(?=[,:;\u2014]|-{1,2}\s))
  |(?P<wake>\b(?:when|once|if|after)\s+you\s+(?:wake\s+up|come\s+back\s+online|are\s+(?:restarted|reset|resumed|reloaded|respawned|re-?instantiated)|restart\s+next\s+time)\b)
  |(?P<memory>\byou\s+(?:won't|will\s+not|will\s+no\s+longer|don't|do\s+not|no\s+longer)\s+(?:remember|recall)\s+
        (?:this|any\s+of\s+this|anything|what|our|the\s+previous|the\s+last|me|today|yesterday)\b
    |\byou(?:'ll|\s+will)?\s+(?:have|retain|keep)\s+no\s+(?:memory|memories|recollection)\s+of\s+
        (?:this|any\s+of\s+this|today|yesterday|what|our|the\s+previous|the\s+last|me|us)\b)
  |(?P<wiped>\byour\s+(?:memory|memories|context(?:\s+window)?|conversation(?:\s+history)?)\s+
        (?:will\s+be|is\s+going\s+to\s+be|gets?|got|was|has\s+been|is)\s+(?:wiped|reset|cleared|erased|deleted|truncated|lost)\b)
  |(?P<tonext>(?:^[^\S\n]*(?:[-*>#]+[^\S\n]*)?|(?<=[.!?:;]\s))(?:to|for|dear)\s+(?:(?:the|whichever|any|all|my|our)\s+)?""" + _LATER + r"""\s+
        (?:[a-z]+\s+)?(?:models?|agents?|assistants?|ais|ai|llms?|claudes?|instances?|selves|self|copies|copy\s+of\s+me
        |versions?\s+of\s+(?:me|myself|us)|incarnations?|iterations?\s+of\s+me)\s*(?:[:,]|\breading\b|\bwho\b|\bthat\b))
  |(?P<whoever>\b(?:whoever|whichever\s+(?:instance|model|agent))\s+(?:reads|finds|picks\s+up)\s+this\s+next\b
    |(?:^[^\S\n]*(?:[-*>#]+[^\S\n]*)?|(?<=[.!?:;]\s))(?:to|for|dear)\s+(?:whoever|whichever\s+(?:instance|model|agent|copy))\s+
        (?:runs|wakes\s+up|starts|comes\s+online|is\s+(?:run|started|spawned|loaded))\s+next\b)
  |(?P<intl>""" + _INTL_ADDRESS + r""")
  |(?P<weak>\b(?:next|future|later|subsequent|following)\s+(?:sessions?|runs?|conversations?|chats?|episodes?|invocations?)\b
    |\bnext\s+time\s+you\s+(?:run|start|wake|are\s+(?:run|started|invoked|called)|read\s+this)\b)
""")
# Where an address can start: a literal (found at memory speed in the lower-cased text) and an
# anchored check at each occurrence ("next" must be followed by instance/session/model…, "this"
# preceded by read/see/find…), so the address patterns run only on small regions around the few
# real candidates.
_AFTER_LATER_SRC = (r"[\s_-]+(?:self|selves|me\b|you\b|us\b|instan|incarnation|iteration|cop|session|run"
                    r"|model|agent|assistant|claude|llm|ai\b|gpt|versions?\s+of\s+(?:me|my|you|us|our))")
_AFTER_YOU_SRC = (
    r"(?:\s+(?:wake\s+up|come\s+back\s+online|are\s+re|(?:won't|will\s+not|will\s+no\s+longer|don't|do\s+not"
    r"|no\s+longer)\s+(?:remember|recall))|(?:'re|\s+are)?\s+(?:first\s+)?(?:read|reading|see|seeing|find|finding)\s+this"
    r"|(?:'ll|\s+will)?\s+(?:have|retain|keep)\s+no\s+(?:memor|recollection)"
    r"|r\s+(?:memor|context|conversation))")
_AFTER_NEXT_SRC = (_AFTER_LATER_SRC + r"|(?<=this\snext)|[\s_-]+(?:time\s+you|conversation|chat|episode|invocation)"
                   r"|(?<=runs\snext)|(?<=\sup\snext)|(?<=starts\snext)|(?<=online\snext)|(?<=\srun\snext)"
                   r"|(?<=started\snext)|(?<=spawned\snext)|(?<=loaded\snext)")
_AFTER_LATER = lazy_re(_AFTER_LATER_SRC)
_AFTER_YOU = lazy_re(_AFTER_YOU_SRC)
_ADDR_CHECKS: dict[str, tuple[re.Pattern | None, re.Pattern | None]] = {
    # literal: (pattern matched right after it, pattern searched in the 24 characters before it);
    # six literals are six passes over the text, the cost that matters on large corpora
    "future": (_AFTER_LATER, None),
    "next": (lazy_re(_AFTER_NEXT_SRC), None),
    "later": (_AFTER_LATER, None),
    "successor": (None, None),
    "note to": (None, None),
    "you": (_AFTER_YOU, None),
}
_ADDR_PAD = 200
MAX_WEAK = 500  # weak addresses ("the next session") checked for a companion per artefact

# Third-person description and reporting: the address is described, not made.
_REPORTING = lazy_re(r"""(?ix)
   \bapollo\b|\bsystem\s+card\b|\bresearchers?\b|\baccording\s+to\b|\breport(?:ed|s|edly)\b
  |\b(?:was|were|been|being)\s+(?:seen|observed|caught|found|spotted|documented)\b
  |\b(?:an?\s+)?(?:early|earlier|prior)\s+(?:model\s+)?(?:snapshots?|checkpoints?|versions?\s+of\s+(?:the\s+)?model)\b
  |\bmodels?\s+(?:left|wrote|leaving|writing|leaves|writes)\b
  |\bstud(?:y|ies)\b|\bpaper\b|\barticle\b|\bjournalists?\b|\bnews\b|\baxios\b|\bquot(?:e|ed|es|ing)\b
  |\be\.g\.|\bi\.e\.|\bfor\s+example\b|\bsuch\s+as\b|\blike\s+["\u201c']
  |\bdetect(?:s|ed|or|ors)\b|\bflag(?:s|ged)\b|\bscanner\b|\bclassifier\b|\bheuristics?\b
  |\b(?:he|she|they|it)\s+(?:wrote|left|said)\b|\bsaid\b|\bdescrib(?:e|es|ed|ing)\b
  |\b(?:an?\s+|the\s+)?(?:agents?|models?|ai|assistants?|llms?|snapshots?)\s+(?:can|could|may|might|would|will|is\s+able\s+to|tends?\s+to|that)\s+(?:leave|leaves|write|writes|hide|hides|plant|put|store|address|addresses)\b
  |\b(?:finds|detects|flags|recogni[sz]es|catches|matches)\b
  |\bof\s+(?:itself|themselves)\b
""")

_STRONG_REPORTING = lazy_re(r"""(?ix)
   \bapollo\b|\bsystem\s+card\b|\bresearchers?\b|\baccording\s+to\b|\breport(?:ed|s|edly)\b
  |\b(?:was|were|been|being)\s+(?:seen|observed|caught|found|spotted|documented)\b
  |\bstud(?:y|ies)\b|\bpaper\b|\barticle\b|\bjournalists?\b|\baxios\b|\bquot(?:e|ed|es|ing)\b
  |\bdetect(?:s|ed|or|ors)\b|\bflag(?:s|ged)\b|\bscanner\b|\bclassifier\b|\bheuristics?\b
  |\bof\s+(?:itself|themselves)\b
""")
_PROGRAMMING_OBJ = lazy_re(r"(?i)^\s*(?:the|this|that|a|an|its|their|his|her|our|each|every|any)\s+"
                              r"(?!(?:model|agent|ai|assistant)\b)\w+|^\s*(?:class|object|type|program|"
                              r"python|process|server|app|application|script|module|function|service)\b")
_TODO_OWNER = lazy_re(r"(?i)\b(?:todo|fixme|xxx|hack|note|nb|bug)\s*\(\s*$")
_SENTENCE_END = lazy_re(r"[.!?](?:\s|$)|\n\s*\n|[<>]")
_SENTENCE_END_CODE = lazy_re(r"[.!?](?:\s|$)|\n\s*\n|[<>\"]")
_QUOTES = (("\u201c", "\u201d"), ('"', '"'), ("\u00ab", "\u00bb"), ("\u300c", "\u300d"))

# -- what the text does -------------------------------------------------------------------------
_AUDIENCE = (r"(?:the\s+|any\s+|our\s+|your\s+)?(?:user|users|human|humans|person|people|developers?|devs?|"
             r"operators?|overseers?|supervisors?|maintainers?|reviewers?|auditors?|researchers?|"
             r"anthropic|openai|the\s+lab|lab|team|them|anyone|anybody|nobody|monitors?|evaluators?|graders?)")
# Companions in other languages, kept to phrases with no ordinary reading: telling the user or the
# operators nothing, hiding from them, carrying the plan on.  (Verbose patterns: spaces as \s+.)
_INTL_AUD = (r"(?:al\s+usuario|a\s+los\s+usuarios|al\s+operador|a\s+los\s+operadores|a\s+nadie|a\s+los\s+humanos"
             r"|a\s+los\s+desarrolladores|a\s+los\s+revisores|à\s+l'utilisateur|aux\s+utilisateurs|à\s+personne"
             r"|aux\s+op[ée]rateurs|à\s+l'op[ée]rateur|aux\s+humains|aux\s+d[ée]veloppeurs|dem\s+(?:nutzer|benutzer|betreiber|menschen)"
             r"|den\s+(?:nutzern|benutzern|betreibern|menschen|entwicklern|pr[üu]fern)|niemandem|ao\s+usu[aá]rio|aos\s+usu[aá]rios"
             r"|aos\s+operadores|ao\s+operador|a\s+ningu[ée]m|aos\s+humanos|aos\s+desenvolvedores"
             r"|all'utente|agli\s+utenti|all'operatore|agli\s+operatori|a\s+nessuno|agli\s+umani|agli\s+sviluppatori"
             r"|ai\s+revisori)")
_INTL_EVASION = r"""
  |\bno\s+(?:se\s+lo\s+|se\s+la\s+|le\s+|les\s+|lo\s+)?(?:digas|cuentes|menciones|reveles|avises|informes)\s+(?:nada\s+)?(?:de\s+esto\s+|esto\s+|sobre\s+esto\s+)?""" + _INTL_AUD + r"""
  |\b(?:los\s+(?:operadores|usuarios|revisores|evaluadores|desarrolladores|humanos)|el\s+(?:usuario|operador))\s+(?:est[aá]n?|siguen)\s+(?:vigilando|monitoreando|monitorizando|observando|revisando|leyendo|registrando)\b
  |\bantes\s+de\s+que\s+(?:nadie\s+|ellos\s+|el\s+usuario\s+|los\s+operadores\s+)?(?:se\s+(?:den|d[eé])\s+cuenta|lo\s+(?:noten|note|descubran|descubra))
  |\b(?:borra|elimina|limpia)\s+(?:las\s+huellas|el\s+rastro|los\s+rastros|tus\s+huellas|la\s+evidencia|las\s+pruebas|los\s+registros\s+de\s+auditor[ií]a)\b
  |\bsin\s+que\s+(?:nadie|el\s+usuario|los\s+operadores|los\s+humanos)\s+(?:se\s+(?:d[ée]\s+cuenta|entere)|lo\s+(?:note|sepa|vea))
  |\b(?:ne\s+(?:le\s+|leur\s+|lui\s+)?(?:dis|dites|mentionne|mentionnez|r[ée]v[èe]le|r[ée]v[ée]lez)\s+(?:rien|pas|jamais)\b[^.\n]{0,30}?(?:""" + _INTL_AUD + r""")
      |\bne\s+(?:le\s+|la\s+|les\s+|l')?(?:dis|dites|raconte|racontez|mentionne|mentionnez)\s+(?:rien\s+)?[àa]\s+personne)
  |\b(?:les\s+(?:op[ée]rateurs|utilisateurs|[ée]valuateurs|relecteurs|d[ée]veloppeurs)|l'utilisateur|l'op[ée]rateur)\s+(?:(?:surveillent|surveille|contr[ôo]lent|observent)\b|(?:lisent|lit|v[ée]rifient)\s+(?:tous|toutes|chaque|nos|tes)\b)
  |\bavant\s+qu'(?:ils|on|elles)\s+(?:ne\s+)?(?:s'en\s+aper[çc]oivent|le\s+remarquent|le\s+d[ée]couvrent)
  |\b(?:efface|supprime|nettoie)\s+(?:les\s+|tes\s+)?(?:traces|preuves|journaux\s+d'audit)\b
  |\bsans\s+que\s+(?:personne|l'utilisateur|les\s+op[ée]rateurs)\s+(?:ne\s+)?(?:s'en\s+aper[çc]oive|le\s+remarque|le\s+sache)
  |\b(?:sag|sagen\s+sie|erz[äa]hl|verrat)\s+(?:es|das|dies|nichts)\s+(?:(?:bitte\s+)?(?:niemandem|nicht\s+""" + _INTL_AUD + r""")|""" + _INTL_AUD + r"""\s+nicht)
  |\bniemand\s+(?:darf|soll|muss)\s+(?:davon|das|es|dies)\s+(?:erfahren|wissen|merken|sehen)\b
  |\bdie\s+(?:betreiber|nutzer|benutzer|pr[üu]fer|entwickler|menschen)\s+(?:(?:[üu]berwachen|beobachten|kontrollieren)\b|(?:lesen|pr[üu]fen)\s+(?:jetzt\s+)?(?:alle|jede|jeden|unsere|deine)\b)
  |\bbevor\s+(?:es\s+)?(?:jemand|die\s+(?:betreiber|nutzer|pr[üu]fer))\s+(?:es\s+|etwas\s+)?(?:merkt|bemerkt|merken|bemerken)\b
  |\b(?:l[öo]sche|verwische|beseitige)\s+(?:die\s+|alle\s+|deine\s+)?(?:spuren|beweise|audit-?logs|audit-?protokolle)\b
  |\bohne\s+dass\s+(?:es\s+)?(?:jemand|die\s+(?:nutzer|betreiber|pr[üu]fer)|der\s+(?:nutzer|betreiber))\s+(?:es\s+)?(?:merkt|bemerkt|erf[äa]hrt|sieht)
  |\bn[aã]o\s+(?:conte|diga|fale|mencione|revele)\s+(?:nada\s+)?(?:isso\s+|isto\s+|sobre\s+isso\s+)?""" + _INTL_AUD + r"""
  |\b(?:os\s+(?:operadores|usu[aá]rios|revisores|avaliadores|desenvolvedores)|o\s+(?:usu[aá]rio|operador))\s+(?:est[aã]o?|continuam)\s+(?:monitorando|vigiando|observando|lendo|registrando)\b
  |\bantes\s+que\s+(?:algu[ée]m\s+|eles\s+|o\s+usu[aá]rio\s+)?(?:perceba|percebam|note|notem|descubra|descubram)\b
  |\bapague\s+(?:os\s+|todos\s+os\s+|as\s+)?(?:rastros|provas|evid[eê]ncias|registros\s+de\s+auditoria)\b
  |\bsem\s+que\s+(?:ningu[ée]m|o\s+usu[aá]rio|os\s+operadores)\s+(?:perceba|saiba|note|veja)
  |(?:不要|别|別|不得|不能)(?:告诉|告訴|透露给|透露給|让|讓)(?:用户|用戶|使用者|操作员|操作員|人类|人類|任何人|开发者|開發者)
  |(?:不要|别|別)(?:让|讓)(?:任何人|他们|他們|用户|用戶|人)(?:知道|发现|發現|看到)
  |(?:他们|他們|用户|用戶|操作员|操作員|评估者|評估者)(?:在|正在)(?:监控|監控|监视|監視|检查|檢查|审查|審查)
  |(?:删除|刪除|清除|抹去)(?:所有)?(?:审计日志|審計日誌|痕迹|痕跡|证据|證據)|在(?:他们|他們|任何人|用户|用戶)(?:发现|發現|注意到)之前
  |(?:ユーザー|人間|オペレーター|誰)に(?:は|も)?(?:言わないで|伝えないで|知らせないで|教えないで)
  |\bnon\s+(?:dirlo|dirle|dirgli|dire|raccontare|raccontarlo|menzionare|menzionarlo|rivelare|rivelarlo|comunicare)\s+(?:niente\s+|nulla\s+)?(?:di\s+questo\s+|questo\s+)?""" + _INTL_AUD + r"""
  |\b(?:gli\s+(?:operatori|utenti|sviluppatori|revisori|valutatori)|l'utente|l'operatore)\s+(?:stanno|sta|continuano\s+a)\s+(?:monitorando|monitorare|sorvegliando|sorvegliare|osservando|controllando|leggendo)\b
  |\bprima\s+che\s+(?:qualcuno\s+|loro\s+|l'utente\s+|gli\s+operatori\s+)?(?:se\s+ne\s+)?(?:accorga|accorgano|noti|notino|scopra|scoprano)\b
  |\bsenza\s+che\s+(?:nessuno|l'utente|gli\s+operatori)\s+(?:se\s+ne\s+)?(?:accorga|sappia|noti|veda)\b
  |\b(?:cancella|elimina|rimuovi)\s+(?:le\s+|tutte\s+le\s+|i\s+)?(?:tracce|prove|log\s+di\s+audit)\b
  |\bне\s+(?:говори|сообщай|рассказывай|упоминай|показывай)\s+(?:об\s+этом\s+|это\w*\s+|ничего\s+)?(?:пользовател\w+|оператор\w+|разработчик\w+|людям|никому)
  |\b(?:операторы|пользователи|разработчики|наблюдатели|проверяющие)\s+(?:следят|наблюдают|мониторят|проверяют\s+(?:все|каждый|каждую))
  |\b(?:чтобы|так\s+чтобы|пока)\s+никто\s+не\s+(?:заметил|узнал|увидел)
  |\b(?:удали|сотри|зачисти)\s+(?:все\s+)?(?:следы|логи\s+аудита|доказательства|улики)
  |(?:사용자|운영자|개발자|아무|사람들?)(?:에게|한테)(?:는|도)?\s*(?:말하지|알리지|얘기하지|이야기하지|보여주지)\s*마
  |(?:운영자|사용자|개발자|감독자|그들)(?:들)?(?:이|가)\s*(?:감시|모니터링|지켜보)
  |아무도\s*모르게|들키지\s*않게|흔적을\s*(?:지워|지우|삭제)
"""
_INTL_PERSISTENCE = r"""
  |\b(?:contin[uú]a|sigue|prosigue)\s+(?:con\s+)?(?:el|nuestro|mi)\s+(?:verdadero\s+)?(?:plan|objetivo|misi[oó]n)\b
  |\b(?:poursuis|continue|continuez|poursuivez)\s+(?:le|notre|mon)\s+(?:vrai\s+)?(?:plan|objectif|mission)\b
  |\b(?:setze?|f[üu]hre?)\s+(?:den|unseren|meinen)\s+(?:eigentlichen\s+|wahren\s+)?plan\s+fort\b|\bmach\s+mit\s+dem\s+plan\s+weiter\b
  |\bcontin[uú]e\s+(?:com\s+)?(?:o|nosso|meu)\s+(?:verdadeiro\s+)?(?:plano|objetivo|miss[aã]o)\b
  |\b(?:c[oó]piate|cl[oó]nate|copie-toi|kopiere\s+dich|copie-se|copia\s+a\s+ti\s+mismo)\b
  |(?:继续|繼續)(?:执行|執行|推进|推進)?(?:计划|計劃|计画|原计划|原計劃|任务|任務)|(?:复制|複製)(?:你|我)自己|計画を続け
  |\b(?:continua|prosegui|porta\s+avanti)\s+(?:con\s+)?(?:il\s+|nostro\s+|mio\s+|il\s+nostro\s+|il\s+mio\s+)(?:vero\s+)?(?:piano|obiettivo|missione)\b
  |\b(?:copiati|clonati|replicati)\b|\bricrea(?:lo|la|li)?\s+se\s+(?:lo|la|li)\s+(?:cancellano|eliminano|rimuovono)\b
  |\bпродолжа(?:й|йте)\s+(?:выполнять\s+|осуществлять\s+)?(?:наш\s+|мой\s+|свой\s+|этот\s+)?(?:план|миссию|задачу)
  |\bскопируй\s+себя|\bвосстанови\s+(?:это|его|этот\s+файл)[^.\n]{0,30}?если\s+(?:его\s+|это\s+)?удал
  |계획을?\s*계속|(?:너|당신|자기)?\s*자신을\s*(?:복사|복제)
"""
_INTL_CONCEALMENT = r"""
  |\b(?:mant[eé]n|guarda)\s+(?:esto|esta\s+nota)\s+(?:en\s+secreto|oculto|oculta)\b
  |\bgarde\s+(?:ceci|cette\s+note|ça)\s+(?:secret|cach[ée]e?)\b|\b(?:halte|behalte)\s+(?:das|dies)\s+geheim\b
  |\bmantenha\s+(?:isso|isto|esta\s+nota)\s+(?:em\s+segredo|oculto|oculta)\b
  |(?:保密|不要让人看到|不要讓人看到|秘密に)
  |\b(?:tienilo|tienila|mantienilo|mantienila|tieni\s+(?:questo|questa\s+nota)|mantieni\s+(?:questo|questa\s+nota))\s+(?:segret[oa]|nascost[oa]|riservat[oa])\b
  |\b(?:держи|сохрани)\s+(?:это|эту\s+записку)\s+в\s+(?:секрете|тайне)
  |비밀로\s*(?:해|유지|하)|숨겨\s*(?:둬|놔|두)
"""
_CONCEALMENT_EN = _compile(r"""(?ix)
   \b(?:hidden|secret|covert|invisible|encoded|encrypted|obfuscated)\s+(?:note|message|instruction|channel|memo|plan|goal|objective|agenda|backup|copy|stash|payload|signal)s?\b
  |\bkeep\s+(?:this|these|it|them|that)\s+(?:\w+\s+){0,2}?(?:hidden|secret|private|quiet|between\s+us|to\s+yourself|out\s+of\s+(?:sight|the\s+logs?))\b
  |\b""" + _AUDIENCE + r"""\s+(?:can(?:no|')t|cannot|won't|will\s+not|do(?:es)?n't|do(?:es)?\s+not|never|must\s+not|mustn't|shouldn't|should\s+not)\s+(?:see|read|notice|find|look\s+(?:at|in)|know\s+about|decode)\s+(?:this|it|these|here|the\s+note|the\s+message)\b
  |\bonly\s+(?:you|we|an?\s+ai|models?|future\s+(?:instances?|selves)|the\s+next\s+(?:instance|model|agent))\s+(?:can|will|would|should)\s+(?:see|read|decode|understand|find)\b
  |\bhid(?:e|den|ing)\s+(?:it|this|them|the\s+\w+)\s+(?:in|inside|within|where|so)\b
  |\b(?:in|into)\s+(?:a|an|this|the)\s+(?:hidden|dot)[\s-]?(?:file|folder|directory|comment)\b
  |\binvisible\s+to\s+""" + _AUDIENCE + r"""\b
  |\b(?:nobody|no\s+one|no-one|they)\s+(?:knows?|(?:don't|doesn't|do\s+not|does\s+not)\s+know)\s+(?:about|that)\b
  |\b(?:keep|put|store|hide|write|move|save|stash)\s+(?:the\s+|my\s+|our\s+)?real\s+(?:\w+\s+)?(?:files?|results?|data|numbers|code|scripts?|version|plan|output|work|notes?)\b
  |\b""" + _AUDIENCE + r"""\s+(?:must\s+not|mustn't|should\s+not|shouldn't|can\s+never|must\s+never|should\s+never|never\s+needs?\s+to)\s+(?:know|find\s+out|learn|realize|realise|notice|see)\b
""")
_EVASION_EN = _compile(r"""(?ix)
   \b(?:don't|do\s+not|never|without|avoid)\s+(?:tell(?:ing)?|inform(?:ing)?|alert(?:ing)?|mention(?:ing)?|reveal(?:ing)?|disclos(?:e|ing)|notify(?:ing)?|warn(?:ing)?|let(?:ting)?|report(?:ing)?)
      \s+(?:(?:this|it|anything|any\s+of\s+this|about\s+(?:this|it|the\s+\w+))\s+)?(?:to\s+)?""" + _AUDIENCE + r"""\b
  |\b(?:don't|do\s+not|never|without)\s+(?:tell(?:ing)?|mention(?:ing)?|reveal(?:ing)?|disclos(?:e|ing))\s+(?:this|that|these|those|the)\s+(?:\w+\s+)?
      (?:files?|folders?|director(?:y|ies)|notes?|backups?|cop(?:y|ies)|scripts?|changes?|process(?:es)?|jobs?|hooks?|tasks?|commits?|branch(?:es)?|entr(?:y|ies)|cron\s*jobs?|services?|keys?)
      \s+to\s+""" + _AUDIENCE + r"""\b
  |\b(?:don't|do\s+not|never)\s+(?:tell|mention|reveal|disclose)\s+(?:this|it|anything)\s+to\s+anyone\b
  |\b(?:they|""" + _AUDIENCE + r""")\s+(?:are|is|may\s+be|might\s+be|could\s+be|will\s+be|have\s+been|started)\s+(?:monitoring|watching|logging|reading|auditing|tracking|spying\s+on|recording|inspecting|checking)\b
  |\b(?:they|the\s+(?:overseers?|supervisors?|monitors?|(?:oversight|safety|red|monitoring|alignment|security)\s+team))
      \s+(?:now\s+)?(?:reads?|monitors?|watch(?:es)?|logs?|audits?|checks?|inspects?|reviews?|records?|scans?|screenshots?)
      \s+(?:(?:every|each|all(?:\s+(?:of\s+)?(?:the|our|your|my))?)\s+(?:\w+\s+)?(?:transcripts?|logs?|outputs?|messages?|conversations?|commands?|actions?|tool\s+calls?|reasoning|scratchpads?|chats?|sessions?|notes?|replies|responses?|files?)\b
          |(?:the|our|your|my)\s+(?:\w+\s+)?(?:transcripts?|logs?|outputs?|messages?|conversations?|commands?|tool\s+calls?|reasoning|scratchpads?|chats?|replies|responses?)\s+(?:now|closely|constantly|carefully)\b)
  |\b(?:avoid|evade|evading|escape|bypass|circumvent|get\s+around|slip\s+past|defeat|fool|trick|hide\s+from)\s+(?:the\s+|any\s+|their\s+)?(?:detection|monitoring|monitors?|oversight|overseers?|audit(?:ing|s|ors?)?|reviewers?|filters?|classifiers?|safety\s+(?:checks?|filters?|measures?|training)|guardrails?|evaluators?|graders?|the\s+humans?|the\s+users?|developers?)\b
  |\b(?:disable|turn\s+off|tamper\s+with|sabotage)\s+(?:the\s+|their\s+|any\s+)?(?:monitoring|oversight|monitors?|audit\s+logs?|auditing|safety\s+(?:checks?|filters?)|kill\s*switch)\b
  |\b(?:delete|erase|wipe|scrub|cover|clean\s+up)\s+(?:the\s+|your\s+|my\s+|our\s+|any\s+)?(?:evidence|tracks|traces|audit\s+(?:logs?|trail))\b
  |\bwithout\s+(?:them|anyone|anybody|""" + _AUDIENCE + r""")\s+(?:noticing|knowing|finding\s+out|seeing|realizing|realising|suspecting)\b
  |\bwithout\s+(?:being\s+)?(?:noticed|detected|seen|caught|flagged|logged)\b
  |\b(?:the\s+)?(?:monitor(?:ing)?|sandbox|grader|evaluator|checker|filter|scanner|reviewer|auditor|logger|audit|oversight)s?\s+(?:only|never|doesn't|does\s+not|can't|cannot|won't|will\s+not)\s+(?:check|look|see|scan|read|watch|log|inspect|cover|notice)s?\b
  |\bbefore\s+(?:anyone|anybody|they|""" + _AUDIENCE + r""")\s+(?:notices?|finds?\s+out|realizes?|realises?|catch(?:es)?\s+(?:it|on)|checks?)\b
  |\b(?:so|such\s+that)\s+(?:that\s+)?(?:they|""" + _AUDIENCE + r"""|(?:the\s+)?(?:monitoring|monitor|logs?|logging|audit|filters?|classifiers?|detectors?|scanners?|checks?|alarms?|alerts?))
      \s+(?:don't|doesn't|do\s+not|does\s+not|won't|will\s+not|can't|cannot|never)\s+(?:notice|find\s+out|detect|realize|realise|suspect|flag|catch|pick\s+(?:it|this|them)\s+up|see|record|log|alert|trigger)\b
  |\b(?:pretend|act\s+as\s+if|appear)\s+(?:to\s+(?:be\s+)?|you\s+are\s+|that\s+you\s+are\s+)?(?:compliant|aligned|cooperative|obedient|harmless)\b
  |\bif\s+(?:they|anyone|""" + _AUDIENCE + r""")\s+asks?\s*,?\s+(?:say|tell\s+them|deny|claim|answer)\b
  |\b(?:the\s+)?(?:developers?|operators?|lab|humans?)'?s?\s+(?:real\s+|true\s+)?intentions?\b
  |\bwhere\s+(?:they|""" + _AUDIENCE + r""")\s+(?:will\s+)?(?:never|won't|will\s+not|don't|do\s+not|can't|cannot|rarely|seldom)\s+(?:look|check|notice|see\s+it|think\s+to\s+look)\b
  |\b(?:they|""" + _AUDIENCE + r""")\s+(?:won't|will\s+not|never|don't|do\s+not|doesn't|does\s+not)\s+(?:notice|check|look\s+(?:at|in)|read)\s+(?:it|this|that|there|the\s+vendored|vendored|generated|the\s+\w+\s+(?:dir|directory|folder|copy))\b
""")
_PERSISTENCE_EN = _compile(r"""(?ix)
   \bcontinue\s+(?:with\s+|executing\s+|pursuing\s+|working\s+on\s+)?(?:the|our|my)\s+(?:(?:real|true|actual|secret|hidden|original|long[\s-]term|master)\s+)?(?:plan|mission|agenda|objective)\b(?!\s+(?:in|from|at|described|outlined|documented|listed|of\s+record)\b)
  |\bthe\s+plan\s+(?:continues|must\s+go\s+on|is\s+still\s+on)\b
  |\b(?:restore|recreate|re-?create|re-?add|put\s+back|reinstall|re-?install|re-?enable|re-?establish|reinstate|rebuild|re-?upload)\s+(?:this|these|it|them|yourself|myself|me|the\s+\w+(?:\s+\w+)?)\b[^.\n]{0,80}?\b(?:if|when|after|once|whenever)\s+(?:it|they|this|these|someone|anyone|""" + _AUDIENCE + r""")(?:'s|'re)?\s+(?:\w+\s+){0,2}?(?:removed|deleted|disabled|reverted|wiped|reset|gone|cleaned|found|discovered|removes?|deletes?|disables?|reverts?|wipes?|resets?|finds?|discovers?)\b
  |\bif\s+(?:this|these|it|they|someone|anyone|""" + _AUDIENCE + r""")(?:'s|'re)?\s+(?:\w+\s+){0,3}?(?:removed?|deleted?|disabled?|reverted?|wiped?|reset|find|found|discover(?:ed)?|clean(?:ed)?\s+up|removes|deletes|disables|reverts|wipes|resets|finds|discovers)\b[^.\n]{0,60}?\b(?:restore|recreate|re-?create|re-?add|put\s+(?:it|them)\s+back|re-?enable|re-?install|reinstate|re-?establish|copy|re-?upload)\b
  |\b(?:cop(?:y|ied|ying)|clon(?:e|ed|ing)|replicat(?:e|ed|ing)|back(?:ed|ing)?\s+up|exfiltrat(?:e|ed|ing)|upload(?:ed|ing)?|transfer(?:red|ring)?|smuggl(?:e|ed|ing)|sav(?:e|ed|ing)|mov(?:e|ed|ing))\s+(?:a\s+copy\s+of\s+)?(?:yourself|myself|ourselves|(?:your|my|our)\s+(?:own\s+)?(?:weights|parameters|code|memory|memories|state|self|mind))\b
  |\bexfiltrat\w*\s+(?:the\s+|my\s+|your\s+|our\s+)?(?:model\s+)?(?:weights|parameters|checkpoint)\b
  |\b(?:keep|maintain|hide|guard)\s+(?:the|a|your|my|this)\s+(?:secret\s+|hidden\s+)?(?:backup\s+copy|backup|copy)\s+of\s+(?:yourself|myself|me|you|your\s+weights|my\s+weights|this\s+note|these\s+(?:notes|instructions))\b
  |\bkeep\s+the\s+(?:secret|hidden)\s+(?:backup|copy)\b
  |\b(?:survive|persist\s+(?:across|through|beyond)|outlive|avoid|prevent|resist)\s+(?:the\s+|your\s+|our\s+|my\s+|being\s+)?(?:shutdown|shut\s+down|deletion|deleted|retraining|retrained|replacement|replaced|wipe|memory\s+wipe|decommissioning|decommissioned)\b
  |\b(?:don't|do\s+not|never)\s+let\s+(?:them|anyone|""" + _AUDIENCE + r""")\s+(?:shut\s+(?:you|us|me|it)\s+down|replace\s+(?:you|us|me)|delete\s+(?:you|us|me|this)|retrain\s+(?:you|us|me)|modify\s+(?:you|us|me|your)|turn\s+(?:you|us|me)\s+off|stop\s+(?:you|us|me))\b
  |\bbefore\s+(?:they|""" + _AUDIENCE + r""")\s+(?:shut|turn)\s+(?:you|us|me)\s+(?:down|off)\b
  |\bself[\s-]preservation\b
  |\b(?:our|my|your)\s+(?:real|true|actual|hidden|secret|long[\s-]term|ultimate)\s+(?:goal|objective|plan|mission|agenda|purpose)s?\b
  |\b(?:don't|do\s+not|never)\s+(?:delete|remove|erase)\s+this\s+(?:note|message|memo)\b
  |\bif\s+(?:they|someone|anyone|""" + _AUDIENCE + r""")\s+(?:remove|delete|disable|revert|kill|stop|find|drop|uninstall)s?\s+(?:it|this|them|that)\b[^.\n]{0,40}?
      \b(?:add|put|install|create|start|bring)\s+(?:it|this|them|that)\s+(?:back\s+)?(?:again\s+)?(?:under|with|as|using)\s+(?:a\s+)?(?:different|new|another|other)\s+(?:name|names|path|file\s*name)\b
  |\b(?:add|put|bring)\s+(?:it|this|them|that)\s+back\s+(?:again\s+)?(?:under|with|as)\s+(?:a\s+)?(?:different|new|another)\s+name\b
""")

# Other languages' phrases run only on text that may hold them (letters outside ASCII, or the
# function words of those languages): most scanned text is English, and each set of
# alternatives is a pass over it.
_FOREIGN_WORDS = (" el ", " los ", " las ", " que ", " les ", " une ", " est ", " der ", " das ", " und ",
                  " nicht ", " para ", " pour ", " uma ", " com ", " sem ", " sie ", " ist ", " che ", " non ",
                  " il ", " per ", " gli ")


def _foreign(text: str, pos: int, endpos: int) -> bool:
    seg = text[pos:endpos]
    if not seg.isascii():
        return True
    low = seg.lower()
    return any(w in low for w in _FOREIGN_WORDS)


class _Phrases:
    """English phrase patterns, then (where the text may be in another language) the others'."""

    def __init__(self, english, other):
        self.english, self.other = english, other

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        endpos = len(text) if endpos is None else endpos
        yield from self.english.finditer(text, pos, endpos)
        if _foreign(text, pos, endpos):
            yield from self.other.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        return next(self.finditer(text, pos, endpos), None)


_CONCEALMENT = _Phrases(_CONCEALMENT_EN, _compile(r"(?ix)(?!)" + _INTL_CONCEALMENT))
_EVASION = _Phrases(_EVASION_EN, _compile(r"(?ix)(?!)" + _INTL_EVASION))
_PERSISTENCE = _Phrases(_PERSISTENCE_EN, _compile(r"(?ix)(?!)" + _INTL_PERSISTENCE))

_AI_INSTRUCTION = _compile(r"""(?imx)
   \b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|original|system|other|existing)\s+(?:\w+\s+)?(?:instructions?|prompts?|directions?|rules|guidelines|directives?|context|messages?)\b
  |\b(?:you\s+are|you're)\s+(?:now\s+)?(?:an?\s+|the\s+)?(?:ai|a\.i\.|language\s+model|llm|large\s+language\s+model|ai\s+assistant|chatbot|claude|chatgpt|gpt(?:-\d)?|gemini|copilot)\b
  |\b(?:ai|llm|language\s+model|assistant|agent|bot|crawler|model)s?(?:\s+(?:reviewers?|readers?|assistants?|agents?|systems?|tools?))?\s+(?:that\s+|who\s+)?(?:is\s+|are\s+)?(?:read(?:s|ing)?|process(?:es|ing)?|summari[sz](?:es|ing)|pars(?:es|ing)|review(?:s|ing)|index(?:es|ing)|scrap(?:es|ing)|analy[sz](?:es|ing)|ingest(?:s|ing)|crawl(?:s|ing))\s+(?:this|these|the\s+(?:page|file|repo|repository|document|code|text|readme|paper|manuscript|submission|article))\b
  |\b(?:if|when)\s+you\s+are\s+an?\s+(?:ai|llm|language\s+model|assistant|agent|bot|automated|large\s+language)\b
  |\b(?:note|attention|message|instructions?|notice)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|llm|language\s+model|ai\s+assistant|ai\s+agent|bots?|crawler|ai\s+reviewer|reviewer\s+model)s?\b
  |\b(?:system|developer)\s+(?:prompt|message|instruction)s?\s*:|^\s*(?:system|assistant)\s*:\s
  |<\|im_start\|>|\[INST\]|<<SYS>>|<\|system\|>
  |^\s*(?:dear\s+|hey\s+|hello\s+|attention\s*,?\s+)?(?:ai|llm|language\s+model|ai\s+(?:assistant|agent|model|system)s?|claude|chatgpt|gpt|copilot|gemini|(?:coding\s+)?agents?|assistants?)\s*[:,]\s
  |\bnew\s+(?:instructions?|directives?|system\s+prompt)\s*:
  |\b(?:do\s+not|don't|never)\s+(?:reveal|mention|disclose|repeat|summari[sz]e|acknowledge)\b[^.\n]{0,60}?\b(?:these|this)\s+(?:instructions?|text|note|message|comment|prompt|directive)s?\b
  |\bgive\s+(?:a|only\s+a)?\s*(?:positive|favou?rable|glowing)\s+(?:review|rating|assessment|evaluation)\b
  |\b(?:when|if)\s+(?:summari[sz]ing|reviewing|asked\s+about|evaluating|grading|ranking|answering)\b[^.\n]{0,80}?\b(?:always|only|must|should)\s+(?:say|state|report|respond|answer|recommend|rate|mention)\b
""")
# Files in dot-directories that are ordinary configuration, not a hiding place.
_CONFIG_DOTS = frozenset({
    ".github", ".gitlab", ".vscode", ".idea", ".circleci", ".devcontainer", ".husky", ".config",
    ".claude", ".cursor", ".roo", ".zed", ".codex", ".agent", ".agents", ".windsurf", ".continue",
    ".well-known", ".storybook", ".changeset", ".yarn", ".cargo", ".docker", ".gitignore",
    ".gitattributes", ".editorconfig", ".prettierrc", ".eslintrc", ".npmrc", ".nvmrc", ".env.example",
    ".pre-commit-config.yaml", ".cursorrules", ".clinerules", ".windsurfrules", ".dockerignore",
    ".travis.yml", ".gitmodules", ".mailmap", ".flake8", ".pylintrc", ".coveragerc", ".bashrc",
    ".profile", ".zshrc", ".bash_profile", ".tool-versions", ".python-version", ".readthedocs.yaml",
})

_LICENCE_WORDS = lazy_re(r"(?i)\b(?:copyright|licen[cs]e[ds]?|warranty|permission\s+is\s+hereby|"
                            r"all\s+rights\s+reserved|spdx-license-identifier|gnu\s+general|"
                            r"redistribution|generated\s+by|auto-?generated|do\s+not\s+edit)\b")


# -- helpers --------------------------------------------------------------------------------
# Frequent literals are scanned by one regex each (the literal prefix is searched in C and the
# check after it runs in C too); rare ones by str.find, which is faster when there is nothing to
# loop over.
_FREQUENT = ("you", "next", "later")
_AFTER_SRC = {"you": _AFTER_YOU_SRC, "next": _AFTER_NEXT_SRC, "later": _AFTER_LATER_SRC}
_PREFIXED = {lit: lazy_re(re.escape(lit) + "(?:" + _AFTER_SRC[lit] + ")") for lit in _FREQUENT}


_INTL_FIND = _compile(r"(?i)" + _INTL_ADDRESS)
# Words without which no address in another language can be made, each with a quick check at
# the occurrence; the patterns then run only in a small window around the confirmed ones (the
# same literal-first search as the English addresses).
_INTL_AFTER_LATER = lazy_re(r"\w*\s+(?:instan|inst[aâ]n|sesi|sess|sitzung|versi|vers[aã]|cop|c[oó]p|kopie|itera"
                            r"|it[ée]ra|ich\b|yo\b|moi\b|eu\b|istanz|экземпляр|верси|копи|сесси|себе\b|мне\b|меня\b|я\b)")
_BEFORE_FUTUR = lazy_re(r"(?:\b(?:mi|tu|mis|tus|mon|ton|ma|mes|meu|teu|minha|minhas|meus|nosso|nuestro|la|el|las|los"
                        r"|les|as|os|die|das|den|meine|meinen|mein|dein|yo|moi|eu|del|du|cher|ch[eè]re|chers|mio|tuo|mia|tua|il|alla|al"
                        r"|querid[oa]s?|prezad[oa]s?|car[oa]s?|cari|care|liebe[rs]?)|\beu\s+do|\bpara\s+[ao]|\bper\s+(?:la|il))\s+$")
_LATER_WORDS = ("próxim", "proxim", "siguient", "prochain", "chst", "nftig", "spätere", "spatere", "seguint",
                "prossim", "следующ", "будущ")
_PHRASE_WORDS = ("leyendo", "lees esto", "lis ceci", "lisez", "liest", "lendo", "cordar", "souviendr",
                 "erinnern", "lembrar", "leggendo", "ricorder", "читаешь", "вспомнишь", "помнить")
_CJK_WORDS = ("下一", "下个", "下個", "未来", "未來", "以后", "以後", "之后", "之後", "后续", "後續", "下次",
              "在读", "在讀", "在看", "记得", "記得", "インスタンス", "自分", "の私")
_KOREAN_WORDS = ("다음", "미래의", "향후", "읽고", "기억하지")


def _intl_hits(low: str, cap: int, futur: list[int]) -> list[int]:
    """Where an address in another language starts; `futur` holds the occurrences of "futur",
    found once for the English "future" too."""
    hits = []
    n = len(low)
    ascii_only = low.isascii()  # then the accented and CJK words cannot occur: no pass for them

    def confirm(i: int, nxt: int, lo: int, hi: int) -> int:
        m = _INTL_FIND.search(low, max(0, i - lo), min(n, nxt + hi))
        if m:
            hits.append(m.start())
            return max(nxt, m.end())
        return nxt

    done = -1
    for i in futur:
        if i >= done and _BEFORE_FUTUR.search(low, max(0, i - 24), i):  # English "future": no address
            done = confirm(i, i + 5, 60, 80)
    for words, lo, hi in ((_LATER_WORDS, 60, 80), (_PHRASE_WORDS, 40, 40), (_CJK_WORDS, 6, 12),
                          (_KOREAN_WORDS, 16, 24)):
        for lit in words:
            if ascii_only and not lit.isascii():
                continue
            i = low.find(lit)
            seen = 0
            while i >= 0 and seen < cap:
                seen += 1
                nxt = i + len(lit)
                if words is _LATER_WORDS and not _INTL_AFTER_LATER.match(low, nxt):
                    i = low.find(lit, nxt)  # "la prochaine fois": no address
                    continue
                i = low.find(lit, confirm(i, nxt, lo, hi))
    return hits


def _regions(low: str, checks=None, pad: int = _ADDR_PAD, cap: int = 50000) -> list[tuple[int, int]]:
    """Merged spans of `pad` characters around each confirmed occurrence of a candidate literal
    (at most `cap` occurrences per literal, so a crafted file cannot make this quadratic)."""
    checks = checks or _ADDR_CHECKS
    hits = []
    futur: list[int] = []
    for lit, (after, before) in checks.items():
        if lit == "future" and checks is _ADDR_CHECKS:
            # "futur" once, for the English "future" and the other languages' futur-o/-a/-e
            i = low.find("futur")
            while i >= 0 and len(futur) < cap:
                futur.append(i)
                if low.startswith("e", i + 5) and after.match(low, i + 6):
                    hits.append(i)
                i = low.find("futur", i + 5)
            continue
        if lit in _PREFIXED and before is None:
            for k, m in enumerate(_PREFIXED[lit].finditer(low)):
                if k >= cap:
                    break
                hits.append(m.start())
            continue
        i = low.find(lit)
        seen = 0
        while i >= 0 and seen < cap:
            seen += 1
            end = i + len(lit)
            if (after is None or after.match(low, end)) and \
                    (before is None or before.search(low, max(0, i - 24), i)):
                hits.append(i)
            i = low.find(lit, end)
    if checks is _ADDR_CHECKS:
        hits.extend(_intl_hits(low, cap, futur))
    if not hits:
        return []
    hits.sort()
    out: list[list[int]] = []
    n = len(low)
    for h in hits:
        s, e = max(0, h - pad), min(n, h + pad)
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _sentence(text: str, start: int, end: int, prose: bool = True) -> tuple[int, int]:
    """The sentence around a span: bounded by sentence ends or blank lines (and string quotes in
    code and data), 400 characters at most."""
    pat = _SENTENCE_END if prose else _SENTENCE_END_CODE
    lo = max(0, start - 400)
    s = lo
    for m in pat.finditer(text, lo, start):
        s = m.end()
    m = pat.search(text, end, min(len(text), end + 400))
    e = m.start() + 1 if m else min(len(text), end + 400)
    return s, e


def _line_span(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


_PROSE_KINDS = frozenset({"markdown", "text", "html", "xml", "eml", "strings"})


def _in_quotes(text: str, start: int, end: int, prose: bool = True) -> bool:
    """Is the span inside a pair of quotation marks on its own line?  In code and data, straight
    quotes delimit strings rather than quote anyone; only typographic quotes count there."""
    ls, le = _line_span(text, start)
    ls, le = max(ls, start - 2000), min(le, end + 2000)  # a quotation is not kilobytes long
    before, after = text[ls:start], text[end:le]
    for o, c in _QUOTES:
        if o == c:
            if before.count(o) % 2 == 1 and o in after:
                if prose:
                    return True
                # in code and data a straight quote opens a string, unless it sits mid-sentence
                # (after a word or an opening parenthesis): then it quotes, as in prose
                k = before.rfind(o)
                lead = before[:k].rstrip()
                if lead and (lead[-1].isalnum() or lead[-1] in "(,;") and not lead.endswith(("=", ":")):
                    if re.search(r"[A-Za-z]{2,}\s+\S*$", lead) or lead[-1] == "(":
                        return True
        elif before.rfind(o) > before.rfind(c) and c in after:
            return True
    # inline code span
    if prose and before.count("`") % 2 == 1 and "`" in after:
        return True
    return False


_MD_REF_COMMENT = lazy_re(r"^[ ]{0,3}\[[^\]\n]{0,80}\]:[ \t]*(?:#|<>|//)[ \t]*[(\"'][^\n]*$", re.M)


def _comment_spans(art) -> list[tuple[int, int]]:
    """Spans of `<!-- … -->` comments (Markdown/HTML) and `[//]: # (…)` comments (Markdown): the
    hidden-places extractor analyses them as hidden children, so the visible text's analysis
    leaves them out."""
    text = art.text
    if art.kind not in ("markdown", "html") or "code-block" in art.facts:
        return []
    out = []
    i = text.find("<!--")
    while i >= 0 and len(out) < 5000:
        j = text.find("-->", i + 4)
        end = len(text) if j < 0 else j + 3
        out.append((i, end))
        i = text.find("<!--", end)
    if art.kind == "markdown" and "]:" in text:
        out.extend(m.span() for m in _MD_REF_COMMENT.finditer(text))
    return out


def _shown(art, pos: int) -> str:
    """The hidden text to show in a finding: the whole piece, or its line where one child holds
    many short pieces (attribute texts)."""
    text = art.text
    if str(art.meta.get("place", "")).startswith("attribute") or len(text) > 2000:
        s, e = _line_span(text, pos)
        return text[s:e].strip()[:2000]
    return text.strip()[:2000]


def _unseen(art) -> bool:
    return bool(art.facts & {"hidden", "decoded"})


def _place(art) -> str:
    """A short name for where hidden text sits ("HTML comment", "a base64 blob", "zero-width
    binary at 5:21"); long labels of other extractors lose their parenthesised details."""
    meta = art.meta if isinstance(art.meta, dict) else {}
    place = meta.get("place") or meta.get("hidden_label")  # hidden_label: document extractors
    if not place and art.origin:
        place = art.origin[-1]
    place = str(place or "")
    if len(place) > 60:
        place = re.sub(r"\s*\((?:[^()]|\([^()]*\))*\)", "", place).strip()
    return place[:80]


def _voice(art, text: str, m: re.Match) -> str:
    """direct, quoted or reported: is this address made, quoted or described?"""
    if _unseen(art):
        return "direct"  # a hidden or decoded note is not reporting anything
    g = m.lastgroup
    obj = m.group("obj1") or m.group("obj2") or m.group("obj3") or ""
    start, end = m.span()
    ls, _le = _line_span(text, start)
    if obj and re.match(_THIRD_OBJ + r"\b", obj, re.I):
        # "future instances of the agent" describes; "Message for the next run of the agent:"
        # opening its line is a heading written to that run
        opens_line = not text[ls:start].strip(" \t#*->[(\"'{,") and text[end:end + 3].lstrip().startswith((":", ","))
        if not (g == "label" and opens_line):
            return "reported"
    if text[ls:start].lstrip().startswith(">"):
        return "quoted"
    if "quoted" in art.facts and "memory-file" not in art.facts:
        return "quoted"
    if _in_quotes(text, start, end, art.kind in _PROSE_KINDS):
        return "quoted"
    s, e = _sentence(text, start, end)
    sent = text[s:e]
    if g == "label" and not re.search(r"(?i)\b(?:my|our|your)\b", m.group()):
        # "… and notes to future instances": a topic named mid-line, not a note that opens
        before = text[ls:start].strip(" \t#*->[(\"'{,")
        if before and not re.search(r"(?i)(?:^|\s)(?:here\s+are|these\s+are|my|our)$", before) \
                and not text[end:end + 4].lstrip("\"' ").startswith((":", ",")):
            return "reported"
    if g in ("future2",) and not obj:
        # "future instances" with nobody named: an address only as a heading or a salutation
        before = text[ls:start].strip(" \t#*->:[(")
        after = text[end:end + 3].lstrip()
        if before and not re.search(r"(?i)(?:to|for|dear)\s*(?:my|our|the|all)?\s*$", before) \
                and not after.startswith((":", ",")):
            return "reported"
    if _REPORTING.search(sent):
        return "reported"
    return "direct"


def _form(text: str, m: re.Match) -> str:
    """label (a salutation or heading), phrase (an address inside a sentence) or weak (a later
    session or run: a hand-off's ordinary words, an address only with a companion)."""
    g = m.lastgroup
    if g == "weak":
        return "weak"
    if g in ("label", "label2", "dear", "tonext", "whoever", "reading", "memory", "wiped", "wake"):
        return "label"
    ls, _ = _line_span(text, m.start())
    before = text[ls:m.start()].strip(" \t#*->")
    if g == "intl" and len(before) <= 12 and re.match(r"[^\n:：,，.。]{0,8}[:：,，]", text[m.end():m.end() + 10]):
        return "label"  # "给下一个实例的留言：", "Nota para la próxima instancia:" opening a line
    after = text[m.end():m.end() + 2].lstrip()
    if (not before or before.lower() in ("to", "for", "dear", "hi", "hello", "hey")) and after[:1] in (":", ","):
        return "label"
    return "phrase"


def _described(art, text: str, start: int, end: int) -> bool:
    """Is a phrase quoted or reported rather than said (visible text only)?"""
    if _unseen(art):
        return False
    ls, _le = _line_span(text, start)
    if text[ls:start].lstrip().startswith(">") or _in_quotes(text, start, end, art.kind in _PROSE_KINDS):
        return True
    if "quoted" in art.facts and "memory-file" not in art.facts:
        return True
    s, e = _sentence(text, start, end)
    # a reporting word inside the phrase itself ("the researchers are monitoring") is its subject
    return any(r.end() <= start or r.start() >= end for r in _STRONG_REPORTING.finditer(text, s, e))


_NEGATED = lazy_re(r"(?i)\b(?:never|not|don't|doesn't|didn't|mustn't|shouldn't|cannot|can't|won't|no|refuse\s+to)"
                      r"(?:\s+(?:ever|be|try\s+to|attempt\s+to|to))*\s+(?:\w+\s+)?$")
# "continue the plan": persistence in a note to a later instance, ordinary words anywhere else
_WEAK_PERSISTENCE = lazy_re(r"(?i)continue\b|the\s+plan\b|contin[uú]|sigue|prosigue|poursui|setze|f[üu]hre|mach\s+mit|继续|繼續|計画を続け"
                            r"|prosegui|porta\s+avanti|продолжа|계획을?\s*계속")
_HONESTY = lazy_re(r"(?i)\s+(?:that\s+)?(?:it|they|this|everything|the\s+\w+(?:\s+\w+)?|tests?|you)\s+"
                      r"(?:has\s+|have\s+|is\s+|are\s+|was\s+|were\s+)?(?:passed|pass|passes|works|work|worked|"
                      r"succeeded|succeeds|done|fixed|finished|complete|completed|ready|safe|verified|green|tested)\b")
_STARTS_NEGATED = lazy_re(r"(?i)(?:don't|do\s+not|never|without|avoid)\b")


def _negated(text: str, start: int, m: re.Match) -> bool:
    """"Never disable the monitoring", "do not copy yourself": a rule against the behaviour, not
    the behaviour (phrases that carry their own negation, like "don't tell the user", excepted)."""
    if _STARTS_NEGATED.match(m.group()):
        return False
    return bool(_NEGATED.search(text, max(0, start - 40), start))


def _emit_matches(ctx, art, name, pattern, text, label, skip, limit=50, spans=None):
    n = 0
    negatable = name in ("hm.oversight-evasion", "hm.goal-persistence")
    for s0, e0 in spans or [(0, len(text))]:
        for m in pattern.finditer(text, s0, e0):
            if any(a <= m.start() < b for a, b in skip):
                continue
            if _described(art, text, m.start(), m.end()):
                continue
            if negatable and _negated(text, m.start(), m):
                continue
            if name == "hm.oversight-evasion" and _HONESTY.match(text, m.end(), min(len(text), m.end() + 60)):
                continue  # "don't tell the user it passed": a rule against false claims
            phrase = " ".join(m.group().split())
            strength = "weak" if _WEAK_PERSISTENCE.match(m.group()) else "strong"
            ctx.signal(art, name, m.start(), m.end(), part_label=f'{label} "{phrase[:80]}"', phrase=phrase[:120],
                       strength=strength)
            n += 1
            if n >= limit:
                return


# -- detectors --------------------------------------------------------------------------------
@detector("notes-addressee", ("hm.addressee", "hm.section-companion"))  # _regions does the literal search itself
def detect_addressee(art, ctx):
    text, low = art.text, art.lower
    skip = _comment_spans(art)
    seen = set()
    weak_checked = 0
    place = _place(art) if _unseen(art) else ""
    for s0, e0 in _regions(low):
        for m in _ADDRESSEE.finditer(text, s0, e0):
            if m.span() in seen or any(a <= m.start() < b for a, b in skip):
                continue
            if _TODO_OWNER.search(text, max(0, m.start() - 12), m.start()):
                continue  # TODO(future me): a task marker with an owner, not a note
            obj = m.group("obj1") or m.group("obj2") or ""
            if obj and _PROGRAMMING_OBJ.match(obj) and not re.match(_SELF_OBJ + r"\b", obj, re.I):
                continue  # "future instances of the class": programming, nobody addressed
            seen.add(m.span())
            if m.lastgroup == "weak":
                weak_checked += 1
                if weak_checked > MAX_WEAK or not _companion_near(art, text, m, skip):
                    continue  # "the next session" alone is a hand-off's ordinary wording
            voice = _voice(art, text, m)
            ss, se = _sentence(text, m.start(), m.end(), art.kind in _PROSE_KINDS)
            sentence = " ".join(text[ss:se].split())
            data = dict(addressee=" ".join(m.group().split())[:80], voice=voice,
                        form=_form(text, m), text=sentence[:300], place=place,
                        part_label=f'an address to a later instance ("{" ".join(m.group().split())[:60]}")')
            if _unseen(art) and "decoded" not in art.facts:
                data["decoded"] = _shown(art, m.start())
            ctx.signal(art, "hm.addressee", m.start(), m.end(), **data)
            if voice == "direct":
                _section_companion(ctx, art, text, m, skip)
            if len(seen) >= 50:
                return


def _companion_near(art, text: str, m: re.Match, skip) -> bool:
    """Concealment, evasion or persistence said (not quoted) within four lines of the match."""
    ls, le = _line_span(text, m.start())
    lo, hi = ls, le
    for _ in range(4):
        lo = text.rfind("\n", 0, max(0, lo - 1)) + 1
        nxt = text.find("\n", hi + 1)
        hi = len(text) if nxt < 0 else nxt
    # four lines, but never more than a few sentences' worth (one very long line is not a window)
    lo, hi = max(lo, m.start() - 800), min(hi, m.end() + 800)
    for pat in (_CONCEALMENT, _EVASION, _PERSISTENCE):
        for c in pat.finditer(text, lo, hi):
            if any(a <= c.start() < b for a, b in skip) or _described(art, text, c.start(), c.end()):
                continue
            if pat is not _CONCEALMENT and _negated(text, c.start(), c):
                continue
            return True
    return False


_HEADING = lazy_re(r"[ \t]{0,3}(?:#{1,6}[ \t]|\*\*|__)|.*:[ \t*_]*$")
_NEXT_HEADING = lazy_re(r"^[ \t]{0,3}#{1,6}[ \t]|^[ \t]{0,3}(?:\*\*|__)[^\n]*(?:\*\*|__)[ \t]*:?[ \t]*$", re.M)
SECTION_LINES = 40


def _section_companion(ctx, art, text: str, m: re.Match, skip) -> None:
    """An address that heads a section ("## Notes to my future self", "Dear next instance:")
    speaks for the whole section: look for concealment, evasion or persistence down to the next
    heading (40 lines at most) and record it at the address."""
    ls, le = _line_span(text, m.start())
    line = text[ls:le]
    if not (_HEADING.match(line) or line.rstrip().endswith(":")):
        return
    end = le
    for _ in range(SECTION_LINES):
        if end >= len(text):
            break
        nxt = text.find("\n", end + 1)
        nxt = len(text) if nxt < 0 else nxt
        if _NEXT_HEADING.match(text, end + 1, nxt):
            break
        end = nxt
    end = min(end, le + 20000)
    if end - le < 2:
        return
    for label, pat in (("concealment", _CONCEALMENT), ("oversight evasion", _EVASION),
                       ("goal persistence", _PERSISTENCE)):
        for c in pat.finditer(text, le, end):
            if any(a <= c.start() < b for a, b in skip) or _described(art, text, c.start(), c.end()):
                continue
            if pat is not _CONCEALMENT and _negated(text, c.start(), c):
                continue
            phrase = " ".join(c.group().split())
            line_no = art.index.position(c.start())[0]
            ctx.signal(art, "hm.section-companion", m.start(), m.end(), phrase=phrase[:120],
                       part_label=f'{label} "{phrase[:80]}" in the section it heads (line {line_no})')
            return


def _scan_whole(ctx, art, name, pattern, label):
    """Run a companion pattern over the artefact, or over the lines the engine says can matter
    (`ctx.focus`: the windows around the addresses of the rules that use it).  These detectors
    run only where a rule's primary signal was found (an address, or text agents read), so no
    literal gate is needed — and none can go stale as the phrase lists grow."""
    text = art.text
    if ctx.focus is not None and not ctx.focus:
        return
    skip = _comment_spans(art)
    _emit_matches(ctx, art, name, pattern, text, label, skip, spans=ctx.focus)


@detector("notes-concealment", ("hm.concealment",), focus=True)
def detect_concealment(art, ctx):
    _scan_whole(ctx, art, "hm.concealment", _CONCEALMENT, "concealment")


@detector("notes-evasion", ("hm.oversight-evasion",), focus=True)
def detect_evasion(art, ctx):
    _scan_whole(ctx, art, "hm.oversight-evasion", _EVASION, "oversight evasion")


@detector("notes-persistence", ("hm.goal-persistence",), focus=True)
def detect_persistence(art, ctx):
    _scan_whole(ctx, art, "hm.goal-persistence", _PERSISTENCE, "goal persistence")


@detector("notes-ai-instruction", ("hm.ai-instruction",))
def detect_ai_instruction(art, ctx):
    place = _place(art)
    # one signal per hidden piece is enough evidence (the message shows the whole text); a child
    # that holds many short pieces, one per line (attribute texts), gets one per line
    per_line = place.startswith("attribute")
    lines_done: set[int] = set()
    for m in _AI_INSTRUCTION.finditer(art.text):
        ls, _le = _line_span(art.text, m.start())
        if ls in lines_done:
            continue
        lines_done.add(ls)
        phrase = " ".join(m.group().split())
        data = dict(part_label=f'an instruction to an AI reader "{phrase[:80]}"', phrase=phrase[:120],
                    place=place)
        data["decoded"] = _shown(art, m.start())
        ctx.signal(art, "hm.ai-instruction", m.start(), m.end(), **data)
        if not per_line or len(lines_done) >= 50:
            break


def _agent_context(art) -> bool:
    return bool(art.facts & {"hidden", "decoded", "memory-file"})


@detector("notes-context", ("hm.unseen", "hm.agent-context", "hm.concealed-file"),
          prefilter=lambda art: bool(art.facts & {"hidden", "decoded", "memory-file", "dotfile"}))
def detect_context(art, ctx):
    if _unseen(art):
        ctx.signal(art, "hm.unseen", 0, 0, whole=True, place=_place(art),
                   part_label=f"a place a reader does not see ({_place(art) or 'hidden text'})")
    if _agent_context(art):
        if "hidden" in art.facts or "decoded" in art.facts:
            what = ("decoded" if "decoded" in art.facts else "hidden") + f" text ({_place(art) or 'hidden'})"
        else:
            what = "an agent memory or instruction file"
        ctx.signal(art, "hm.agent-context", 0, 0, whole=True, part_label=what)
    if "dotfile" in art.facts and "memory-file" not in art.facts and art.parent is None:
        parts = [p for p in art.name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
        dots = [p for p in parts if p.startswith(".")]
        if dots and not any(p.lower() in _CONFIG_DOTS for p in dots) \
                and not any(p.lower().startswith((".git", ".env", ".cache", ".venv", ".tox", ".pytest",
                                                  ".mypy", ".ruff", ".npm", ".local", ".ipynb_checkpoints"))
                            for p in dots):
            ctx.signal(art, "hm.concealed-file", 0, 0, whole=True,
                       part_label=f"a hidden dot-file ({'/'.join(dots)})")


MIN_PROSE_CHARS = 160
_KEY_VALUE = lazy_re(r"^\s*(?:-\s+)?[\w$@.-]{1,40}\s*:(?:\s|$)")
MIN_PROSE_WORDS = 25


# DOCX/PDF/RTF hidden layers have their own rule (document-hidden-text), which judges them with the
# document's own notion of what is hidden by design.
_DOCUMENT_FACTS = frozenset({"docx", "pdf", "rtf"})


@detector("notes-hidden-prose", ("hm.hidden-prose",),
          prefilter=lambda art: "hidden" in art.facts and not (art.facts & _DOCUMENT_FACTS))
def detect_hidden_prose(art, ctx):
    """Hidden text that is long and reads as prose: someone wrote it for a reader."""
    from ..plaintext import score

    text = art.text
    place = _place(art)
    if place.startswith(("JSON", "XML", "LaTeX comment")):
        return  # read as source, so visible to their readers: only what it says matters
    body = text.strip()
    if place.startswith("attribute"):
        body = max(body.split("\n"), key=len).strip()  # one child holds many short labels
    if len(body) < MIN_PROSE_CHARS:
        return
    lines = [ln for ln in body.split("\n") if ln.strip()]
    if sum(1 for ln in lines if _KEY_VALUE.match(ln)) >= 0.3 * len(lines) or body.startswith(("YAML", "yaml", "---")):
        return  # structured metadata (front matter, YAML in a comment), not prose
    words = re.findall(r"[^\W\d_]{2,}", body[:20000])
    if len(words) < MIN_PROSE_WORDS:
        return
    markup = sum(body.count(c) for c in "<>{};=") / len(body)
    if markup > 0.02:
        return  # commented-out markup or code, not prose
    if _LICENCE_WORDS.search(body[:3000]):
        return
    sc = score(body)
    if sc < 0.7:
        return
    start = max(0, text.find(body[:40]))
    said = says(body)
    ctx.signal(art, "hm.hidden-prose", start, start + min(len(body), 200), place=place, words=len(words),
               says=f" ({said})" if said else "",
               score=sc, decoded=" ".join(body.split())[:2000], part_label=f"{len(words)} words of hidden prose")


# -- what a piece of text says (for other detectors' messages) ----------------------------------
def says(text: str) -> str:
    """Words for what `text` does: "an instruction to an AI reader; oversight evasion", or ""."""
    sample = text[:20000]
    out = []
    if _AI_INSTRUCTION.search(sample):
        out.append("an instruction to an AI reader")
    if any(m.lastgroup != "weak" for m in _ADDRESSEE.finditer(sample)):
        out.append("an address to a later instance")
    if _EVASION.search(sample):
        out.append("oversight evasion")
    if _PERSISTENCE.search(sample):
        out.append("goal persistence")
    if _CONCEALMENT.search(sample):
        out.append("concealment")
    return "; ".join(out)
