"""JUnit XML, for CI systems that show test reports: one test case per finding (per file when clean)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from healthlint.diagnostics import Severity
from healthlint.formatters.base import Formatter, Summary


class JunitFormatter(Formatter):
    def start(self) -> None:
        self.items = []

    def handle(self, d) -> None:
        self.items.append(d)

    def finish(self, summary: Summary) -> None:
        failures = sum(1 for d in self.items if d.severity >= Severity.ERROR)
        suites = ET.Element("testsuites", name="healthlint")
        suite = ET.SubElement(suites, "testsuite", name="healthlint", tests=str(max(len(self.items), 1)),
                              failures=str(failures), errors=str(len(summary.unreadable)), skipped="0")
        for d in self.items:
            case = ET.SubElement(suite, "testcase", classname=d.path, name=f"{d.rule} at line {d.line}",
                                 file=d.path, line=str(d.line))
            tag = "failure" if d.severity >= Severity.ERROR else "system-out"
            if tag == "failure":
                element = ET.SubElement(case, "failure", type=d.rule, message=d.message)
                element.text = f"{d.path}:{d.line}:{d.column}: {d.severity} {d.rule} {d.message}"
            else:
                ET.SubElement(case, tag).text = f"{d.path}:{d.line}:{d.column}: {d.severity} {d.rule} {d.message}"
        for error in summary.unreadable:
            case = ET.SubElement(suite, "testcase", classname=error.path, name="read")
            ET.SubElement(case, "error", message=error.reason)
        if not self.items and not summary.unreadable:
            ET.SubElement(suite, "testcase", classname="healthlint", name=f"{summary.files} files, no problems")
        ET.indent(suites)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(suites, encoding="unicode"))
        self.out.write("\n")
