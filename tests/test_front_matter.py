"""Front matter reads as PyYAML's own safe loader reads it, whichever loader does the work."""
import pytest
import yaml

from healthlint.text.front_matter import FrontMatter, read_front_matter


def pure_python(content):
    try:
        data = yaml.load(content, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


@pytest.mark.parametrize("content", [
    "title: Kratom\ndate: 2016-03-14\ntags: [sleep, pain-relief]\naffiliate: yes\n",
    'title: "Is It Worth It?"\ndescription: \'It pairs well.\'\ncount: 0x1F\nratio: .inf\n',
    "nested:\n  a: [1, {b: c}]\n  - x\n",
    "anchors: &a [1]\nagain: *a\nmerge:\n  <<: {k: v}\n",
    "block: |\n  line\n  two\nfolded: >-\n  one\n  two\n",
    "- a list\n- not a mapping\n",
    "just a string",
    # shapes libyaml reads differently: PyYAML's answer wins
    "title: a\tb\n",
    "k:\tv\n",
    "faq: [Is it safe?, Does it work?]\n",
    "x: {a?}\n",
    "tag: !\n",
    "tag: ! x\n",
    "block: |#c\n  x\n",
    "date: x\n<<: {\naffiliate:}\n",
    "title: \ufeffBOM\n",
    "title: a\u2028b\n",
    "bad: \udc80\n",
    "evil: !!python/object/apply:os.system ['true']\n",
    "deep: " + "[" * 150 + "]" * 150 + "\n",
    "deep: " + "[" * 10_000 + "]" * 10_000 + "\n",
])
def test_reads_as_pyyaml_safe_loader(content):
    assert read_front_matter(content) == pure_python(content)


def test_yaml_nested_a_hundred_thousand_deep_reads_as_nothing_without_crashing():
    assert read_front_matter("x: " + "[" * 100_000 + "]" * 100_000 + "\n") == {}


FRONT_MATTER_SHAPES = [
    "---\ntitle: x\n---\nBody\n",
    "----\ntitle: x\n---\nBody\n",          # closing shorter than opening: not closed there
    "----\ntitle: x\n-----\nBody\n",
    "---\ntitle: x\n...\nBody\n",
    "---\ntitle: x\n   ---  \nBody\n",      # indented less than four columns
    "---\ntitle: x\n    ---\nBody\n",       # four columns: not a closing line
    "---\ntitle: x\n\t---\nBody\n",
    "---\ntitle: x\n--- no\n---\nBody\n",
    "---\r\ntitle: x\r\n---\r\nBody\r\n",
    "---\rtitle: x\r---\rBody\r",
    "---\n---\nBody\n",
    "---\ntitle: x\n",                      # never closed
    "---\n",
    "---",
    "---title\na: 1\n---\n",
    "--\na: 1\n--\n",
    "---\na: \x00\n---\n",
    "---\na: 1\n---",
]


@pytest.mark.parametrize("source", FRONT_MATTER_SHAPES)
def test_front_matter_is_found_where_markdown_its_plugin_finds_it(source):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    from healthlint.text.front_matter import find_front_matter
    from healthlint.text.positions import LineIndex

    tokens = MarkdownIt("commonmark").use(front_matter_plugin).parse(source)
    token = next((t for t in tokens if t.type == "front_matter"), None)
    found = find_front_matter(source)
    if token is None:
        assert found is None
    else:
        lines = LineIndex(source)
        body_start = lines.line_start(token.map[1] + 1) if token.map[1] < lines.line_count else len(source)
        assert found == (token.content, body_start)


# --- read when used -------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    "title: x\nsponsored: yes",
    "title: x\nsponsored: ''",
    '"spon\\x73ored": true',          # the key spelled with an escape
    '"spon\\\n  sored": true',         # and with a line continuation
    "title: x",
    "- a list",
    "sponsored: [unclosed",
    "a: &x {sponsored: 1}\nb:\n  <<: *x",
])
def test_front_matter_read_when_used_answers_as_the_whole_mapping(content):
    whole = read_front_matter(content)
    lazy = FrontMatter(content)
    for key in ("sponsored", "title", "missing", "b"):
        assert lazy.get(key) == whole.get(key)
        assert (key in lazy) == (key in whole)
    assert lazy == whole and dict(lazy) == whole and len(lazy) == len(whole)


def test_a_field_named_nowhere_is_answered_without_reading():
    lazy = FrontMatter("title: Kratom\ndate: 2020-01-01")
    assert lazy.get("sponsored") is None and "sponsored" not in lazy
    assert lazy._data is None
    assert lazy.get("title") == "Kratom"
