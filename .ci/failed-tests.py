#!/usr/bin/env python3
"""Prints the tests that did not pass in the TRX files named on the command line, one line each:
"FAILED <Namespace.Class.Test(args)>: <first line of the error message>", at most LIMIT lines (then how many
more). Reads <UnitTestResult outcome="Failed|Error|Timeout|Aborted" testId=".." testName=".."> with its
<Output><ErrorInfo><Message>, and the class from <UnitTest id=".."><TestMethod className=".."> of the same file.
Prints nothing when every test passed; a file that cannot be parsed is named, never fatal (CI's closing line comes after)."""
import sys
import xml.etree.ElementTree as ET

LIMIT = 20
NOT_PASSED = {"Failed", "Error", "Timeout", "Aborted"}
MAX_MESSAGE = 300


def local(tag):
    return tag.rsplit("}", 1)[-1]


def first_line(text):
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE] + "..."
    return "(no message)"


def failures(path):
    root = ET.parse(path).getroot()
    classes = {}
    for unit in root.iter():
        if local(unit.tag) == "UnitTest":
            for child in unit:
                if local(child.tag) == "TestMethod":
                    classes[unit.get("id")] = child.get("className") or ""
    for result in root.iter():
        if local(result.tag) != "UnitTestResult" or result.get("outcome") not in NOT_PASSED:
            continue
        message = next((e.text for e in result.iter() if local(e.tag) == "Message"), None)
        name = result.get("testName") or "(unnamed)"
        cls = classes.get(result.get("testId"), "")
        yield (f"{cls}.{name}" if cls and not name.startswith(cls + ".") else name), result.get("outcome"), first_line(message)


def main(paths):
    found = []
    for path in paths:
        try:
            found.extend(failures(path))
        except (ET.ParseError, OSError) as error:
            print(f"error: cannot read the test results {path}: {error}")
    for name, outcome, message in found[:LIMIT]:
        print(f"{outcome.upper()} {name}: {message}")
    if len(found) > LIMIT:
        print(f"... and {len(found) - LIMIT} more not passed")


if __name__ == "__main__":
    main(sys.argv[1:])
