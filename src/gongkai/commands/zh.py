"""Chinese for the strings Typer (and the Click it vendors) print on their own: help headings, the
help option, type hints and usage errors.

Typer 0.2x vendors Click in `typer._click` with English literals rather than gettext calls, so a
translation catalogue cannot reach them. Instead `install()` sets the Rich help formatter's
module-level strings, shows value kinds in plain Chinese words (no `<bool>` or `<str>`), and
replaces Typer's error panel with one Chinese line built from the exception's own fields (the
option name, the missing parameter, the bad value), so that a mistyped option reads like every
other error of the program: one line on stderr and exit status 2.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType

import typer
from rich.markup import escape

HELP_OPTION_HELP = "显示本帮助并退出"

_HEADINGS = {
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEPRECATED_STRING": "（已弃用）",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

# a value's kind as a user would say it; a flag (bool) shows nothing
_KINDS = {"bool": None, "str": "文字", "text": "文字", "int": "整数", "integer": "整数", "float": "数值",
          "path": "路径", "file": "文件", "directory": "目录", "list[str]": "文字…", "list[path]": "路径…",
          "int range": "整数", "float range": "数值", "datetime": "日期时间"}

# inner messages of a bad value (Typer's coercion, its pydantic-style wording, Click's)
_VALUE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), zh) for p, zh in (
    (r"valid integer", "应为整数"),
    (r"valid number|valid float", "应为数值"),
    (r"valid bool", "应为 true 或 false"),
    (r"greater than or equal to ([-\d.]+)", r"应不小于 \1"),
    (r"greater than ([-\d.]+)", r"应大于 \1"),
    (r"less than or equal to ([-\d.]+)", r"应不大于 \1"),
    (r"less than ([-\d.]+)", r"应小于 \1"),
    (r"not in the range ([^.]+)", r"超出范围 \1"),
    (r"is not one of (.+?)\.?$", r"应为以下之一：\1"),
    (r"does not exist", "不存在"),
    (r"is a directory", "是一个目录"),
    (r"is a file", "是一个文件"),
))


def _kind(label: str | None) -> str | None:
    if not label:
        return None
    bare = label.strip("<>")
    if bare in _KINDS:
        return _KINDS[bare]
    if "|" in bare:  # a choice: the choices themselves are plain words
        return bare
    return None


def _value_message(message: str) -> str:
    for pattern, zh in _VALUE_MESSAGES:
        m = pattern.search(message)
        if m:
            return m.expand(zh)
    return message


def _param_name(param: object) -> str:
    opts = getattr(param, "opts", None) or []
    if getattr(param, "param_type_name", "") == "option" and opts:
        return max(opts, key=len)
    return str(getattr(param, "name", "") or "").upper()


def message(e: Exception) -> str:
    """A usage error in Chinese (Typer's exception types, recognised by name: they are vendored)."""
    kind = type(e).__name__
    if kind == "NoSuchOption":
        name = getattr(e, "option_name", "")
        text = f"没有这个选项：{name}"
        possible = getattr(e, "possibilities", None) or []
        if possible:
            text += f"（是不是：{'、'.join(sorted(possible))}）"
        return text
    if kind == "MissingParameter":
        param = getattr(e, "param", None)
        if param is not None and getattr(param, "param_type_name", "") == "option":
            return f"缺少选项 {_param_name(param)}"
        return f"缺少参数 {_param_name(param) if param is not None else ''}".rstrip()
    if kind == "BadParameter":
        param = getattr(e, "param", None)
        where = f"{_param_name(param)} 的值无效" if param is not None else "值无效"
        return f"{where}：{_value_message(getattr(e, 'message', str(e)))}"
    raw = getattr(e, "message", str(e))
    for pattern, zh in (
        (r"Option '([^']+)' requires (an argument|\d+ arguments)", r"选项 \1 需要一个值"),
        (r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", r"多余的参数：\1"),
        (r"No such command '(.*)'", r"没有这个命令：\1"),
        (r"Missing command", "缺少命令"),
        (r"Option '([^']+)' does not take a value", r"选项 \1 不带值"),
        (r"Value (.*) is not a valid (\w+)", r"值 \1 无效"),
    ):
        m = re.search(pattern, raw)
        if m:
            return m.expand(zh)
    return _value_message(raw)


def _format_error(e: Exception) -> None:
    """Typer's error panel replaced by one line: what was wrong, and how to see the help."""
    if type(e).__name__ == "NoArgsIsHelpError":
        return
    ctx = getattr(e, "ctx", None)
    path = getattr(ctx, "command_path", "gongkai") if ctx is not None else "gongkai"
    line = f"参数错误：{message(e)}（用 {path} -h 查看帮助）"
    line = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[red]{escape(line)}[/red]")


def _patch_rich_utils(rich_utils: ModuleType) -> None:
    for name, text in _HEADINGS.items():
        setattr(rich_utils, name, text)
    rich_utils.rich_format_error = _format_error  # type: ignore[attr-defined]
    # the usage line's highlighter looked for "Usage: "
    rich_utils.OptionHighlighter.highlights = [h.replace("Usage: ", "用法：") for h in
                                              rich_utils.OptionHighlighter.highlights]
    rich_utils.highlighter = rich_utils.OptionHighlighter()


class _PatchOnImport:
    """Runs `_patch_rich_utils` right after `typer.rich_utils` is first imported."""

    def find_spec(self, name: str, path: object, target: object = None) -> object:
        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            _patch_rich_utils(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Put the Chinese strings in place (idempotent; called when the CLI module is imported)."""
    from typer import core
    from typer._click import decorators, formatting

    if "typer.rich_utils" in sys.modules:
        _patch_rich_utils(sys.modules["typer.rich_utils"])
    elif not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        # Typer imports its Rich formatter only to print help or an error; importing it here would
        # add ~0.1 s of CPU to every command, so the strings are set when it is first imported.
        sys.meta_path.insert(0, _PatchOnImport())

    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "_gongkai", False):
        def usage_in_chinese(self: object, prog: str, args: str = "", prefix: str | None = None) -> None:
            args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
            write_usage(self, prog, args, "用法：" if prefix is None or prefix == "Usage: " else prefix)

        usage_in_chinese._gongkai = True  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = usage_in_chinese  # type: ignore[method-assign]

    help_option = decorators.help_option
    if not getattr(help_option, "_gongkai", False):
        def help_option_in_chinese(*args: object, **kwargs: object):  # noqa: ANN202 - Typer's own type
            decorator = help_option(*args, **kwargs)

            def apply(f: object) -> object:
                out = decorator(f)
                params = getattr(out, "params", None) or getattr(out, "__click_params__", None) or []
                if params:
                    params[-1].help = HELP_OPTION_HELP
                return out

            return apply

        help_option_in_chinese._gongkai = True  # type: ignore[attr-defined]
        decorators.help_option = help_option_in_chinese  # type: ignore[assignment]

    for cls in (core.TyperOption, core.TyperArgument):
        original = getattr(cls, "display_type_rich", None)  # Typer 0.29; 0.28: see _patch_rich_utils
        if original is None or getattr(original, "_gongkai", False):
            continue

        def display(self: object, ctx: object, _original=original) -> str | None:  # noqa: ANN001
            return _kind(_original(self, ctx=ctx))

        display._gongkai = True  # type: ignore[attr-defined]
        cls.display_type_rich = display  # type: ignore[method-assign]


def version_callback(value: bool) -> None:
    """`--version`: the installed package's version, then exit."""
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("gongkai")
        except PackageNotFoundError:
            shown = "未安装（源代码）"
        sys.stdout.write(f"gongkai {shown}\n")
        raise typer.Exit(0)
