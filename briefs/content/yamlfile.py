"""Reading YAML files with line numbers kept for error messages: no aliases, no key
written twice in a mapping, no invisible characters."""

import re

import yaml

from briefs.content.characters import refuse_invisible
from briefs.errors import ContentError, field_words


# libyaml's parser when PyYAML has it (the wheels do): a case book of thousands of records
# loads about thirty times faster than with the pure-Python parser.
LIBYAML = yaml.__with_libyaml__


class _Loader(yaml.CSafeLoader if LIBYAML else yaml.SafeLoader):
    """A safe loader that keeps dates as text, so that validation can name a bad date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlDocument:
    """A parsed YAML mapping plus the node tree, to find the line of any field."""

    def __init__(self, path, data, root_node):
        self.path = path
        self.data = data
        self._root = root_node

    def line_of(self, field_path):
        """1-based line of the value at field_path (a tuple of keys and indexes)."""
        node = self._root
        for key in field_path:
            child = _child(node, key)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def error(self, field_path, reason, hint=None):
        """A ContentError at a field: its line, and its place in an editor's words."""
        field, within = field_words(field_path, self.data)
        return ContentError(self.path, reason, line=self.line_of(field_path), field=field,
                            within=within, hint=hint)

    def sub(self, key):
        """The document of the value under one top-level key."""
        return YamlDocument(self.path, self.data[key], _child(self._root, key))


def _child(node, key):
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(key):
                return value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def shorten(value, limit=60):
    """A value from a file, for a message: never more than limit characters of it."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def load_mapping(project, path, kind="yaml"):
    """Load a project's YAML file whose top level must be a mapping."""
    return parse_mapping(path, project.read_text(path, kind))


def parse_mapping(path, text):
    """Parse the text of the YAML file at path, whose top level must be a mapping."""
    refuse_invisible(path, text)
    loader = _Loader(text)
    try:
        _refuse_deep_nesting(path, text)
        root = loader.get_single_node()
        _refuse_equal_keys(path, _refuse_aliases(path, root), loader)
        data = loader.construct_document(root) if root is not None else None
    except yaml.reader.ReaderError as error:
        raise ContentError(path, f"the file contains a character YAML does not allow "
                           f"({_character(error)!r})", line=_line_at(text, error),
                           hint="delete the invisible control character on this line") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = f"this is not valid YAML ({shorten(error.problem)})"
        if error.context and error.context_mark and error.context_mark.line != mark.line:
            reason += f"; the problem may start on line {error.context_mark.line + 1}"
        raise ContentError(
            path, reason,
            line=mark.line + 1 if mark else None,
            hint="check the indentation and quote texts that contain a colon",
        ) from None
    except RecursionError:
        raise ContentError(path, "lists or fields are nested too deeply",
                           hint="write the values out flat, as docs/content.md shows") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        found = "empty" if data is None else type(data).__name__
        raise ContentError(
            path, f"expected a mapping of 'field: value' lines, found {found}",
            line=1, hint="start the file with fields such as 'kind: statement'",
        )
    return YamlDocument(path, data, root)


MAX_DEPTH = 40  # content nests four or five levels; libyaml's composer crashes at 100,000
# Nesting that deep needs a run of openers ("- - -", "[[[", "? ?"); indentation alone
# cannot reach it in a file of the sizes allowed. Files without such a run are not scanned.
OPENERS = re.compile(r"(?:[-?\[{]\s*){%d}" % MAX_DEPTH)


def _refuse_deep_nesting(path, text):
    """Refuse lists and mappings nested more than MAX_DEPTH deep."""
    if not OPENERS.search(text):
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ContentError(path, "lists or fields are nested too deeply",
                                   line=event.start_mark.line + 1,
                                   hint="write the values out flat, as docs/content.md shows")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _refuse_aliases(path, root):
    """Refuse YAML aliases (*name), merge keys included: a few lines of them can expand to
    billions of values. An alias is a node met twice in the tree. Return the mappings."""
    seen, stack, mappings = set(), [(root, root)], []
    while stack:
        node, parent = stack.pop()
        if node is None or isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in seen:
            raise ContentError(path, "a YAML alias (*name) repeats a value written elsewhere",
                               line=parent.start_mark.line + 1,
                               hint="write the value out in full where it is needed")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            mappings.append(node)
        children = node.value if isinstance(node, yaml.SequenceNode) else [
            child for pair in node.value for child in pair]
        stack.extend((child, node) for child in children)
    return mappings


MERGE, TEXT = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:str"
EQUAL_KEY_HINT = ("keep the line that is right and delete the other: a YAML reader keeps "
                  "the last one without a word")


def _refuse_equal_keys(path, mappings, loader):
    """Refuse a key given twice in one mapping, naming the first repeat in the file: PyYAML
    keeps the last value, so a record that said 'visibility: restricted' at its top and
    'visibility: public' at its end was public. Keys are compared as the mapping holds
    them ('id' and "id" are equal, so are 1 and 0x1), and the merge key '<<', which
    brings in keys written elsewhere, is refused."""
    repeats = []
    for node in mappings:
        if _plain_and_different(node):
            continue
        first = {}  # key: the line and text of its first appearance
        for key_node, _ in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == MERGE:
                raise ContentError(path, "'<<' brings in fields written elsewhere, which can "
                                   "repeat the fields written here", line=line,
                                   hint="write each field out once, in full")
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # refused by the constructor: a list or mapping cannot be a key
            key = key_node.value if key_node.tag == TEXT else loader.construct_object(key_node)
            if key in first:
                repeats.append((line, key_node.value, *first[key]))
            first.setdefault(key, (line, key_node.value))
    if repeats:
        line, written, first_line, first_written = min(repeats)
        as_written = "" if written == first_written else f" (as '{shorten(first_written)}')"
        raise ContentError(path, f"the field '{shorten(written)}' is written twice at the same "
                           f"level: on line {first_line}{as_written} and again on line {line}",
                           line=line, hint=EQUAL_KEY_HINT)


def _plain_and_different(mapping):
    """Whether a mapping's keys are all texts, each different: what nearly all are, found
    at about half the cost of comparing them one by one."""
    keys = {key_node.value for key_node, _ in mapping.value if key_node.tag == TEXT}
    return len(keys) == len(mapping.value)


def _character(error):
    """libyaml reports the character as its code, the Python parser as the character."""
    return chr(error.character) if isinstance(error.character, int) else error.character


def _line_at(text, error):
    """libyaml counts the position in UTF-8 bytes, the Python parser in characters."""
    before = text.encode()[:error.position] if LIBYAML else text[:error.position].encode()
    return before.count(b"\n") + 1
