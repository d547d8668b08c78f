"""Checks that FILE.svg is well-formed SVG with at least N elements of TAG.
usage: check_svg.py FILE.svg TAG N"""
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
found = root.findall(".//{http://www.w3.org/2000/svg}" + sys.argv[2])
assert len(found) >= int(sys.argv[3]), f"{len(found)} <{sys.argv[2]}> elements, expected at least {sys.argv[3]}"
print(f"{len(found)} <{sys.argv[2]}>")
