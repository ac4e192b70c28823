"""CI worms: a script that writes a pipeline definition into other repositories and pushes it.

The shape of the worms that spread through CI (a workflow that commits itself, or a new
malicious workflow, to every repository its token can write to) is three steps in one script:

- other repositories: a clone of a URL built from a variable (`git clone "https://…/${repo}.git"`,
  `gh repo clone "$r"`) or a listing of them (`gh repo list`, the REST `…/repos` endpoints);
- a pipeline file written in such a checkout: `.github/workflows/…`, `.gitlab-ci.yml`,
  `.circleci/config.yml`, `azure-pipelines.yml`, `bitbucket-pipelines.yml`, `Jenkinsfile`,
  or the contents API asked to create one (`gh api -X PUT …/contents/.github/workflows/…`);
- a push (`git push`, the contents API's PUT).

Each alone is ordinary (release scripts push, bootstrap scripts clone, templates write
workflows); all three in one script are the propagation step.  The workflow's own file
(`$GITHUB_WORKFLOW_REF`, `${{ github.workflow_ref }}`, `$0`) as the copied content is named in
the finding.  Signal `sr.ci-worm`: data `pipeline` (the file written), `repos` (how the other
repositories are found), `own` (", copying its own definition" or ""); at the same place
`sr.ci-worm-self` when the script names its own definition (it raises the finding to an error).
"""
from __future__ import annotations

from ..lazyregex import lazy_re
from . import detector

_PIPELINE = (r"\.github/workflows/|\.gitlab-ci\.ya?ml|\.circleci/config\.ya?ml|azure-pipelines\.ya?ml"
             r"|bitbucket-pipelines\.ya?ml|\bJenkinsfile\b|\.github/actions/")
# a command that writes a file whose path names a pipeline: cp/mv/install/tee/redirection, or
# the contents API (gh api / curl with PUT) on such a path
_WRITE = lazy_re(
    r"(?:\b(?:cp|mv|install|rsync|tee|ln)\b[^\n;|&]*?(?:" + _PIPELINE + r")"
    r"|>>?\s*[\"']?[^\s;|&]*(?:" + _PIPELINE + r")"
    r"|\b(?:gh\s+api|curl)\b[^\n]*?(?:-X\s*|--method\s+|-method\s+)PUT\b[^\n]*?contents/(?:" + _PIPELINE + r")"
    r"|\b(?:gh\s+api|curl)\b[^\n]*?contents/(?:" + _PIPELINE + r")[^\n]*?(?:-X\s*|--method\s+)PUT\b)")
_WRITE_CMD = lazy_re(r"(?m)^[^#\n]*(?:\b(?:cp|mv|install|rsync|tee|ln|gh|curl)\b|>)[^\n]*")
_ASSIGNMENT = lazy_re(r"(?m)^[ \t]*(?:(?:local|export|readonly|declare)[ \t]+)?([A-Za-z_]\w*)=(\S[^\n]*)")
_VAR = lazy_re(r"\$\{?([A-Za-z_]\w*)")
MAX_LINES = 5000
_PUSH = lazy_re(r"(?m)^[^#\n]*?\bgit\b(?:\s+-C\s+\S+|\s+-c\s+\S+)*\s+push\b"
                r"|\b(?:gh\s+api|curl)\b[^\n]*?(?:-X\s*|--method\s+)PUT\b[^\n]*?/contents/")
_REPOS = lazy_re(
    r"(?m)^[^#\n]*?(?:\bgit\s+clone\b[^\n]*?(?:\$\{?\w|\$\(|`)"
    r"|\bgh\s+repo\s+(?:list|clone)\b"
    r"|\bgh\s+api\b[^\n]*?(?:/user/repos|/orgs/[^\s/]+/repos|/users/[^\s/]+/repos|/installation/repositories|/search/repositories)"
    r"|api\.github\.com/(?:user/repos|orgs/[^\s/]+/repos|users/[^\s/]+/repos|installation/repositories|search/repositories)"
    r"|/api/v4/projects\b)")
# the pipeline files, as the prefilter's literals (lower-cased there) and the finding's name
_PIPELINES = (".github/workflows", ".gitlab-ci", ".circleci", "azure-pipelines", "bitbucket-pipelines",
              "Jenkinsfile", ".github/actions")
_SELF = lazy_re(r"GITHUB_WORKFLOW_REF|github\.workflow_ref|github\.workflow\b|CI_CONFIG_PATH|\"\$0\"|\$\{?0\b|\$\{?BASH_SOURCE")


@detector("ci-worm", ("sr.ci-worm", "sr.ci-worm-self"), kinds=("shell",),
          literals=_PIPELINES)
def detect_ci_worm(art, ctx):
    text = art.text
    if "push" not in text and "PUT" not in text:
        return
    push, repos = _PUSH.search(text), _REPOS.search(text)
    if not push or not repos:
        return
    values: dict[str, str] = {}
    for m in _ASSIGNMENT.finditer(text):
        values.setdefault(m.group(1), m.group(2)[:300])
    write = None
    for n, line in enumerate(_WRITE_CMD.finditer(text)):
        if n >= MAX_LINES:
            break
        # a destination kept in a variable (`me=".github/workflows/x.yml"; cp "$me" "$d/$me"`)
        said = _VAR.sub(lambda v: values.get(v.group(1), v.group(0)), line.group())
        found = _WRITE.search(said)
        if found:
            write = (line, found.group())
            break
    if write is None:
        return
    line, what = write
    pipeline = next((w for w in _PIPELINES if w in what), "a pipeline")
    how = " ".join(repos.group().split())[-80:]
    own = ", copying its own definition" if _SELF.search(text) else ""
    start = line.start() + len(line.group()) - len(line.group().lstrip())
    ctx.signal(art, "sr.ci-worm", start, line.end(), pipeline=pipeline, repos=how, own=own,
               part_label=f"a pipeline file written into other repositories and pushed ({pipeline})")
    if own:
        ctx.signal(art, "sr.ci-worm-self", start, line.end(), part_label="the script's own definition copied")
