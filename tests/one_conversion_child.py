"""Child process of tests/test_one_conversion.py: the pack's servicer answers a saved plan's requests
with the library's methods and with the one-conversion ones; prints how the answers compare.

A process of its own because the servicer configures the Pulumi runtime globally (as in a pack
process) and install() swaps the servicer's methods for the whole process.

    python tests/one_conversion_child.py PLAN.json STACK
"""

import json
import sys
from pathlib import Path

from platform_policies import one_conversion
from preflight.pack_inprocess import answers, configured_servicer, pack_environment, requests


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text())
    stack = sys.argv[2]
    analyze, analyze_stack = requests(plan)
    got = {}
    with pack_environment(plan):
        for path, version in (("library", "library"), ("one_conversion", one_conversion.WRITTEN_FOR)):
            assert one_conversion.install(version) == (path == "one_conversion")
            got[path] = answers(configured_servicer(stack), analyze, analyze_stack)
    differ = [i for i, (a, b) in enumerate(zip(got["library"], got["one_conversion"])) if a != b]
    print(json.dumps({"responses": len(got["library"]), "differ": differ[:5],
                      "answered": sum(1 for a in got["library"] if a)}))


if __name__ == "__main__":
    main()
