"""One PNG per service: users, tasks (desired / serving / needed) and CPU over time (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_chart(path: Path, summary: dict[str, Any], series: dict[str, Any]) -> Path:
    import matplotlib

    matplotlib.use("Agg")   # no display: files only
    import matplotlib.pyplot as plt

    minutes = [t / 60.0 for t in series["t"]]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    ax1.step(minutes, series["desired"], where="post", label="desired")
    ax1.step(minutes, series["serving"], where="post", label="serving")
    ax1.step(minutes, series["needed"], where="post", linestyle="--", label="needed at CPU target")
    ax1.axhline(summary["scaling"]["max"], color="grey", linewidth=0.8, linestyle=":", label="max")
    ax1.set_ylabel("tasks")
    ax1.legend(loc="upper left", fontsize=8)
    ax1.set_title(f"{summary['service']}: rehearsal")
    users = ax1.twinx()
    users.plot(minutes, series["users"], color="lightgrey", linewidth=0.8)
    users.set_ylabel("users")
    ax2.plot(minutes, series["cpu"], label="CPU % (ECS service)")
    ax2.axhline(summary["scaling"]["cpu_target"], color="grey", linewidth=0.8, linestyle=":", label="CPU target")
    ax2.set_ylabel("CPU %")
    ax2.set_xlabel("minutes")
    ax2.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=80)
    plt.close(fig)
    return path
