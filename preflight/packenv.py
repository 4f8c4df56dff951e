"""Which Python runs the policy pack, and how it is started: the way the Pulumi engine does it.

For a Python pack the engine (pulumi/pulumi ``sdk/go/common/resource/plugin/analyzer_plugin.go``,
``NewPolicyAnalyzer``) still takes the legacy path: it runs the
``pulumi-analyzer-policy-python`` plugin with the pack folder as working
directory and the arguments ``<engine address> .`` followed by the runtime
options of ``PulumiPolicy.yaml`` as ``-<key>=<value>`` (here ``-virtualenv=venv``).
That script (pulumi/pulumi ``sdk/python/dist/pulumi-analyzer-policy-python``)
resolves the virtualenv against the pack folder, fails when
``<venv>/bin/python`` does not exist ("doesn't appear to be a virtual
environment"), puts ``<venv>/bin`` first on PATH, unsets PYTHONHOME and runs
``<venv>/bin/python -u -m pulumi.policy <engine address> .``; ``pulumi.policy``
then runs the folder's ``__main__.py`` with the folder first on ``sys.path``, so
the pack's own package beside it imports.  Nothing creates that venv: the CLI
installs only the program's, so ``policies/venv`` must be made from
``policies/requirements.txt`` (README set-up, the workflow, ``.ci/run``).

preflight starts the pack the same way.  The interpreter comes from
PACK_VENV_ENV:
- unset or "auto": the venv PulumiPolicy.yaml names, when it exists; else this
  interpreter (a note says so; a developer without the pack venv can still run);
- "current": this interpreter, whatever PulumiPolicy.yaml says;
- a path: that venv, which must exist - CI uses this, so a pack dependency
  missing from ``policies/requirements.txt`` fails the run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

PACK_VENV_ENV = "PREFLIGHT_PACK_VENV"
ENGINE_ADDRESS_PLACEHOLDER = "127.0.0.1:0"   # pulumi.policy requires the argument; the pack never dials it


class PackVenvError(Exception):
    """The requested pack virtualenv does not exist (bad input, exit 2)."""


def declared_venv(policy_dir: Path) -> Optional[str]:
    """``runtime.options.virtualenv`` of the pack's PulumiPolicy.yaml, if any."""
    try:
        import yaml

        doc = yaml.safe_load((policy_dir / "PulumiPolicy.yaml").read_text())
    except (OSError, ImportError, ValueError):
        return None
    except Exception:  # noqa: BLE001 - a malformed file: the engine would refuse it; treat as no venv here
        return None
    runtime = doc.get("runtime") if isinstance(doc, dict) else None
    options = runtime.get("options") if isinstance(runtime, dict) else None
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    return venv if isinstance(venv, str) and venv else None


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def resolve(policy_dir: Path, choice: Optional[str] = None) -> tuple[Optional[Path], str]:
    """(venv or None for this interpreter, a note for the user or "")."""
    choice = (choice if choice is not None else os.environ.get(PACK_VENV_ENV, "")).strip() or "auto"
    if choice == "current":
        return None, ""
    if choice == "auto":
        declared = declared_venv(policy_dir)
        if not declared:
            return None, ""
        venv = Path(declared) if Path(declared).is_absolute() else policy_dir / declared
        if venv_python(venv).exists():
            return venv, ""
        return None, (f"the pack's virtualenv {declared!r} (PulumiPolicy.yaml) does not exist in {policy_dir.name}/; "
                      f"running the pack with {sys.executable}. Create it: python3 -m venv {policy_dir.name}/{declared}"
                      f" && {policy_dir.name}/{declared}/bin/pip install -r {policy_dir.name}/requirements.txt")
    venv = Path(choice)
    if not venv_python(venv).exists():
        raise PackVenvError(f"{choice!r} has no bin/python")
    return venv, ""


def command(policy_dir: Path, base_env: dict[str, str], choice: Optional[str] = None) -> tuple[list[str], dict[str, str]]:
    """The pack's command line and environment, as pulumi-analyzer-policy-python builds them."""
    venv, _ = resolve(policy_dir, choice)
    env = dict(base_env)
    if venv is None:
        python = sys.executable
    else:
        python = str(venv_python(venv).absolute())
        env["PATH"] = os.pathsep.join([str((venv / "bin").absolute()), env.get("PATH", "")])
        env.pop("PYTHONHOME", None)
    return [python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS_PLACEHOLDER, "."], env
