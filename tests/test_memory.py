"""Peak memory per stage (pipeline/memory.py) and the summary table of `testimony run`."""

import pipeline  # noqa: F401  (pins numeric code paths first)

# isort: split
import subprocess
import sys

from pipeline.cli import timing_lines
from pipeline.memory import MemoryPeak, PeakMemory


def test_peak_memory_sees_an_allocation_in_this_process():
    with PeakMemory(interval=0.05) as baseline:
        pass
    with PeakMemory(interval=0.05) as peak:
        block = bytearray(200 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])   # touch every page: resident, not reserved
        del block
    assert peak.result.main_mb >= baseline.result.main_mb + 150
    assert peak.result.total_mb >= peak.result.main_mb


def test_peak_memory_sees_a_child_process():
    code = ("import time; b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]);"
            " time.sleep(1.0)")
    with PeakMemory(interval=0.05) as peak:
        subprocess.run([sys.executable, "-c", code], check=True)
    assert peak.result.largest_child_mb >= 140
    assert peak.result.total_mb >= peak.result.main_mb + 140


def test_timing_lines_show_seconds_share_and_memory():
    lines = timing_lines({"redact": 30.0, "code": 10.0},
                         {"redact": MemoryPeak(900.0, 400.0, 1300.0),
                          "code": MemoryPeak(700.0, 0.0, 700.0)})
    assert lines[0] == "Time and peak memory per stage"
    assert "75.0 %" in lines[1] and "1300 MB" in lines[1]
    assert "700 MB" in lines[2]
    assert lines[3].split()[:3] == ["total", "40.0", "s"] and lines[3].endswith("1300 MB")
    assert "MB" not in timing_lines({"redact": 1.0})[-1]    # no peaks measured: no column


def test_release_memory_returns_a_freed_block_to_the_system():
    import psutil

    from pipeline.coding import embedding
    from pipeline.memory import release_memory

    process = psutil.Process()
    # 20 KB blocks, one in ten kept: the freed ones lie between live ones, so malloc keeps
    # their pages (measured: 0.2 MB of 336 MB returned without the trim)
    blocks = [bytes(20_000) + bytes([i % 256]) for i in range(20_000)]
    kept = blocks[::10]
    held = process.memory_info().rss
    del blocks
    embedding._LOADED["test"] = object()
    release_memory()
    assert "test" not in embedding._LOADED
    assert process.memory_info().rss < held - 150 * 1024 * 1024
    assert len(kept) == 2_000
