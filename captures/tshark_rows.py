"""tshark -T fields over a capture, as rows: what the scripts in captures/
read the captures back with (stdlib only)."""
import subprocess


def tshark_rows(path, fields, *options, aggregator=" "):
    """One list of field values per frame of path; a field that occurs more
    than once in a frame has its values joined by aggregator.  options go
    to tshark before the field list (e.g. "-Y", filter)."""
    cmd = ["tshark", "-r", path, *options, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + aggregator]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]
