"""Provenance-labelled data flow for Python: where "self" (own code, own folder, the agent's
weights and prompts, harvested hosts, credentials) goes.

The path through this package: `gate` decides from the text alone whether a file can hold a
chain at all; `source` parses it (IPython magics and `>>>` sessions handled, large files sliced
to the blocks that matter, never executed); `values` defines the labels; `flow` interprets the
module abstractly and records sink events (writes, copies, process starts and forks, remote
copies and commands, uploads, mail, persistence, exec, LLM calls, cloud calls, config writes)
with the labels of the values that reach them; `patterns` classifies literals and command
lines; `chains` turns events into one chain per behaviour, graded on the replication and
persistence ladders.  `deobfuscate` statically decodes literal payloads handed to
exec/eval/compile.  Detectors in `artefact_scan/detectors/python_*.py` turn chains into signals.

Design choice: the analysis runs on `ast`, not libcst.  On the standard library `ast.parse` is
about ten times faster than `libcst.parse_module`, and the flow needs what `ast` has: nodes,
1-based lines and end positions.  Aliases (`from shutil import copyfile as cf`) are resolved by
an import table of our own, which also follows function-local imports.

Entry point: `artefact_scan.pyflow.chains.analyse(text)`.  This package module imports nothing,
so that the textual gate can be used without loading the analysis.
"""
