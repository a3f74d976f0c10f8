# SPDX-License-Identifier: GPL-3.0-or-later
"""Cross-checks our chat-template renderer (chat_template_tool) against jinja2 as transformers runs it.

usage: verify_chat_template.py CHAT_TEMPLATE_TOOL SHARED_DIR

The reference is the template compiled by transformers' own `_compile_jinja_template` (or, where that
is not importable, a jinja2 environment with the same settings), rendered with the variables
`render_jinja_template` passes (messages, tools, documents, add_generation_prompt, special tokens, extra
kwargs). Checked byte for byte:
  * every SHARED_DIR/tokenizers/*/tokenizer_config.json with a chat_template, through our
    load_chat_template (`--config`), against tokenizer.apply_chat_template(tokenize=False) where the
    tokenizer loads; configs without one must be refused with exit 2;
  * the list-of-{name, template} form and the chat_template.jinja file beside the config;
  * templates written here in the style of Llama-3.1, Qwen2.5, Qwen3, Mistral, Gemma, ChatML/SmolLM and
    Phi-3 chat templates, plus one using the rarer features, over many conversations (system handling,
    multi-turn, empty content, Unicode, whitespace, reasoning, tool calls, bad roles), with
    add_generation_prompt true and false, tools absent and present;
  * expression cases and randomly generated templates that stress whitespace control;
  * errors: raise_exception must give exit 2 and "error: <file>: chat_template raised: <msg>"; syntax
    errors and unsupported tags one line "error: ... at line L col C", exit 2.

Exits 77 (skipped) when SHARED_DIR/tokenizers is missing; 1 with the differences when any check fails.
"""
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jinja2

FAILURES = []
COUNTS = {"match": 0, "both_fail": 0}


def reference_compiler():
    """transformers' compiler where importable, else an environment with the same settings."""
    try:
        from transformers.utils.chat_template_utils import _compile_jinja_template
        return _compile_jinja_template, "transformers._compile_jinja_template"
    except ImportError:
        pass
    from datetime import datetime
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def compile_template(source):
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                            extensions=[jinja2.ext.loopcontrols])
        env.filters["tojson"] = tojson
        env.globals.update(raise_exception=raise_exception, dict=dict, namespace=jinja2.utils.Namespace,
                           strftime_now=lambda f: datetime.now().strftime(f))
        return env.from_string(source)

    return compile_template, "mirrored jinja2 settings"


COMPILE, COMPILER_NAME = reference_compiler()


class Runner:
    def __init__(self, tool, work):
        self.tool = tool
        self.work = Path(work)
        self.n = 0

    def file(self, name, text):
        self.n += 1
        p = self.work / f"{self.n}-{name}"
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return p

    def run(self, *args):
        r = subprocess.run([self.tool, *map(str, args)], capture_output=True)
        return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")

    def render(self, template_path, context, config=False):
        ctx = self.file("context.json", json.dumps(context, ensure_ascii=False))
        return self.run(*(["--config"] if config else []), template_path, ctx)


def reference(source, context):
    """('ok', text) or ('raised', message) for raise_exception, or ('error', description)."""
    try:
        return "ok", COMPILE(source).render(**context)
    except jinja2.exceptions.TemplateSyntaxError as e:
        return "error", f"{type(e).__name__}: {e} (line {e.lineno})"
    except jinja2.exceptions.TemplateError as e:
        if type(e) is jinja2.exceptions.TemplateError:
            return "raised", str(e)
        return "error", f"{type(e).__name__}: {e}"
    except Exception as e:  # noqa: BLE001 - Python errors (TypeError, ...) in the template also fail a render
        return "error", f"{type(e).__name__}: {e}"


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def fail(label, why):
    FAILURES.append(label)
    if len(FAILURES) <= 40:
        print(f"  FAIL {label}: {why}")


def compare(label, ref, ours, origin):
    """ours: (rc, stdout, stderr) of the tool."""
    kind, value = ref
    rc, out, err = ours
    if kind == "ok":
        if rc != 0:
            fail(label, f"reference rendered, ours failed (exit {rc}): {err.strip()}")
        elif out != value:
            i = first_difference(out, value)
            fail(label, f"first difference at character {i}\n    ours:   {out[max(0, i - 40):i + 40]!r}\n"
                        f"    theirs: {value[max(0, i - 40):i + 40]!r}")
        else:
            COUNTS["match"] += 1
        return
    lines = err.rstrip("\n").split("\n")
    if rc != 2 or len(lines) != 1 or not lines[0].startswith("error: ") or out:
        fail(label, f"reference failed ({value}); ours: exit {rc}, stdout {out[:60]!r}, stderr {err!r}")
    elif kind == "raised" and lines[0] != f"error: {origin}: chat_template raised: {value}":
        fail(label, f"raise_exception message: ours {lines[0]!r}, expected {value!r}")
    else:
        COUNTS["both_fail"] += 1


def template_context(messages, add_generation_prompt, tools=None, special=None, extra=None):
    """The variables transformers' render_jinja_template gives the template."""
    ctx = dict(special or {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"})
    ctx.update(messages=messages, tools=tools, documents=None, add_generation_prompt=add_generation_prompt)
    ctx.update(extra or {})
    return ctx


from chat_template_cases import (CONVERSATIONS, EXPRESSIONS, EXPR_CONTEXT, PARTS_CONTEXT, T_CHATML, T_GEMMA,  # noqa: E402
                                 T_MISTRAL, TOOLS, U1, PARTS_EXPRESSIONS, SYNTAX_ERRORS, TEMPLATES)



def check_syntax_errors(runner):
    for name, source in SYNTAX_ERRORS.items():
        path = runner.file(f"{name}.jinja", source)
        kind, desc = reference(source, {"x": 1})
        rc, out, err = runner.render(path, {"x": 1})
        lines = err.rstrip("\n").split("\n")
        ok = (kind == "error" and rc == 2 and not out and len(lines) == 1 and lines[0].startswith(f"error: {path}: ")
              and (" syntax error: " in lines[0] or " unsupported " in lines[0]) and " at line " in lines[0]
              and " col " in lines[0])
        if not ok:
            fail(f"syntax error {name}", f"reference: {kind} {desc}; ours: exit {rc}, {err!r}")
            continue
        # jinja2 names a line for its own syntax errors; `include` fails later (no loader) and `break`
        # outside a loop only when Python compiles the generated code.
        ref_line = desc.rsplit("(line ", 1)[-1].rstrip(")") if desc.startswith("Template") else None
        our_line = lines[0].rsplit(" at line ", 1)[-1].split(" ")[0]
        if ref_line is not None and ref_line != our_line:
            fail(f"syntax error {name}", f"jinja2 says line {ref_line}, ours {our_line}: {lines[0]}")
            continue
        COUNTS["both_fail"] += 1
        print(f"  {name}: {lines[0]}")


def check_raise(runner):
    source = "{{ 'before' }}{{ raise_exception('custom failure: ' ~ messages[0].role) }}"
    path = runner.file("raise.jinja", source)
    rc, out, err = runner.render(path, template_context([U1], False))
    expected = f"error: {path}: chat_template raised: custom failure: user\n"
    if rc != 2 or out or err != expected:
        fail("raise_exception", f"exit {rc}, stdout {out!r}, stderr {err!r}; expected {expected!r}")
    else:
        COUNTS["both_fail"] += 1
        print(f"  raise_exception: {err.strip()}")


# ------------------------------------------------------------------ groups

def check_templates(runner):
    for name, (source, variants) in TEMPLATES.items():
        path = runner.file(f"{name}.jinja", source)
        for conv_name, conv in CONVERSATIONS.items():
            for gen in (False, True):
                for tools in (None, TOOLS):
                    for extra in variants:
                        ctx = template_context(conv, gen, tools, extra=extra)
                        label = f"{name} {conv_name} gen={gen} tools={tools is not None} {extra or ''}"
                        compare(label, reference(source, ctx), runner.render(path, ctx), path)


def check_expressions(runner):
    for context, cases in ((EXPR_CONTEXT, EXPRESSIONS), (PARTS_CONTEXT, PARTS_EXPRESSIONS)):
        for i, source in enumerate(cases):
            path = runner.file(f"expr{i}.jinja", source)
            compare(f"expression {i}: {source[:60]!r}", reference(source, context), runner.render(path, context), path)


def random_template(rng, depth=0):
    """Text, tags with every whitespace-control sign, comments, raw blocks, nested if / for."""
    texts = ["", " ", "  ", "\n", "\n\n", " \n ", "\t", "a", "b c", " x \n", "\n  ", "  \n", "\r\n", "\u3000",
             "\xa0\n", "é"]
    sign = lambda: rng.choice(["", "", "-", "+"])  # noqa: E731
    ws = lambda: rng.choice(["", " ", "  ", "\n", " \n "])  # noqa: E731
    text = lambda: "".join(rng.choice(texts) for _ in range(rng.randint(0, 3)))  # noqa: E731
    tag = lambda body: "{%" + sign() + ws() + body + ws() + sign() + "%}"  # noqa: E731
    var = lambda: ("{{" + rng.choice(["", "-"]) + ws() + rng.choice(["x", "'s'", "1", "y", "x ~ y"]) + ws()  # noqa: E731
                   + rng.choice(["", "-"]) + "}}")
    out = []
    for _ in range(rng.randint(0, 4)):
        k = rng.randint(0, 6 if depth < 3 else 3)
        if k == 0:
            out.append(text())
        elif k == 1:
            out.append(var())
        elif k == 2:
            out.append("{#" + sign() + rng.choice(["", " c ", "\n"]) + sign() + "#}")
        elif k == 3:
            out.append(text() + var() + text())
        elif k == 4:
            els = tag("else") + random_template(rng, depth + 1) if rng.random() < .5 else ""
            out.append(tag("if " + rng.choice(["x", "not x", "y"])) + random_template(rng, depth + 1) + els + tag("endif"))
        elif k == 5:
            out.append(tag("for i in " + rng.choice(["[1, 2]", "[]", "'ab'"])) + random_template(rng, depth + 1)
                       + tag("endfor"))
        elif rng.random() < .5:
            out.append(tag("raw") + text() + "{{ x }}" + text() + tag("endraw"))
        else:
            out.append(tag("set z = 1") + text())
    return "".join(out)


def check_random(runner, count=400, seed=20240601):
    rng = random.Random(seed)
    for i in range(count):
        source = random_template(rng) + rng.choice(["", "\n", "\n\n", " "])
        ctx = {"x": rng.choice([True, False]), "y": "Y"}
        path = runner.file(f"random{i}.jinja", source)
        compare(f"random template {i}: {source!r}", reference(source, ctx), runner.render(path, ctx), path)


def special_tokens(config):
    out = {}
    for key in ("bos_token", "eos_token", "unk_token", "pad_token"):
        v = config.get(key)
        if isinstance(v, dict):
            v = v.get("content")
        if v is not None:
            out[key] = v
    return out


def load_tokenizer(folder):
    try:
        from transformers import AutoTokenizer
        return AutoTokenizer.from_pretrained(str(folder))
    except Exception as e:  # noqa: BLE001 - then only the compiled-template reference is used
        print(f"    (AutoTokenizer does not load {folder.name}: {type(e).__name__}; using the template alone)")
        return None


def check_config(runner, config_path, label, tokenizer=None):
    """Our --config rendering against apply_chat_template (when the tokenizer loads) and the template."""
    folder = config_path.parent
    config = json.loads(config_path.read_text(encoding="utf-8"))
    jinja_file = folder / "chat_template.jinja"
    source = jinja_file.read_text(encoding="utf-8") if jinja_file.is_file() else config["chat_template"]
    if isinstance(source, list):
        source = next(t["template"] for t in source if t["name"] == "default")
    origin = jinja_file if jinja_file.is_file() else config_path
    special = tokenizer.special_tokens_map if tokenizer is not None else special_tokens(config)
    for conv_name, conv in CONVERSATIONS.items():
        for gen in (False, True):
            ctx = template_context(conv, gen, special=dict(special))
            ours = runner.render(config_path, ctx, config=True)
            compare(f"{label} {conv_name} gen={gen}", reference(source, ctx), ours, origin)
            if tokenizer is not None and conv:  # apply_chat_template refuses an empty conversation itself
                try:
                    ref = "ok", tokenizer.apply_chat_template(conv, tokenize=False, add_generation_prompt=gen)
                except Exception as e:  # noqa: BLE001
                    ref = "error", f"{type(e).__name__}: {e}"
                compare(f"{label} {conv_name} gen={gen} (apply_chat_template)", ref, ours, origin)


def check_shared(runner, tokenizers):
    for config_path in sorted(tokenizers.glob("*/tokenizer_config.json")):
        config = json.loads(config_path.read_text(encoding="utf-8"))
        name = config_path.parent.name
        if not config.get("chat_template") and not (config_path.parent / "chat_template.jinja").is_file():
            rc, out, err = runner.render(config_path, template_context([U1], False), config=True)
            if rc != 2 or out or not err.startswith(f"error: {config_path}: has no chat_template"):
                fail(f"{name} without chat_template", f"exit {rc}, {err!r}")
            else:
                print(f"  {name}: no chat_template, refused: {err.strip()}")
            continue
        print(f"  {name}: has a chat_template")
        check_config(runner, config_path, name, load_tokenizer(config_path.parent))


def check_config_forms(runner, tokenizers):
    """The list-of-{name, template} form and chat_template.jinja, in copies of a real tokenizer folder."""
    base = next((p.parent for p in sorted(tokenizers.glob("*/tokenizer_config.json"))
                 if (p.parent / "tokenizer.json").is_file()), None)
    if base is None:
        fail("config forms", "no tokenizer folder with tokenizer.json to copy")
        return
    config = json.loads((base / "tokenizer_config.json").read_text(encoding="utf-8"))
    for form in ("list", "jinja_file"):
        folder = runner.work / f"form-{form}"
        folder.mkdir()
        shutil.copy(base / "tokenizer.json", folder / "tokenizer.json")
        c = dict(config)
        c["chat_template"] = [{"name": "tool_use", "template": "TOOL USE {{ messages | length }}"},
                              {"name": "default", "template": T_CHATML}]
        if form == "jinja_file":
            c["chat_template"] = T_GEMMA  # the .jinja file must win over this
            (folder / "chat_template.jinja").write_text(T_MISTRAL, encoding="utf-8")
        (folder / "tokenizer_config.json").write_text(json.dumps(c, ensure_ascii=False), encoding="utf-8")
        print(f"  {form} form (copy of {base.name})")
        check_config(runner, folder / "tokenizer_config.json", f"{form} form", load_tokenizer(folder))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tool, shared = sys.argv[1], Path(sys.argv[2])
    tokenizers = shared / "tokenizers"
    if not tokenizers.is_dir():
        print(f"skipped: {tokenizers} is missing (see shared/README.md)")
        return 77
    print(f"reference: {COMPILER_NAME}, jinja2 {jinja2.__version__}")
    with tempfile.TemporaryDirectory() as work:
        runner = Runner(tool, work)
        for title, check in [("shared tokenizer configs", lambda: check_shared(runner, tokenizers)),
                             ("config forms", lambda: check_config_forms(runner, tokenizers)),
                             ("templates written for this test", lambda: check_templates(runner)),
                             ("expressions", lambda: check_expressions(runner)),
                             ("random whitespace-control templates", lambda: check_random(runner)),
                             ("syntax errors", lambda: check_syntax_errors(runner)),
                             ("raise_exception", lambda: check_raise(runner))]:
            before = len(FAILURES)
            print(f"{title}:")
            check()
            print(f"  -> {len(FAILURES) - before} failure(s)")
    print(f"{COUNTS['match']} renderings identical, {COUNTS['both_fail']} failures on both sides, "
          f"{len(FAILURES)} difference(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
