"""Reading YAML files with line numbers kept for error messages."""

import yaml

from briefs.errors import ContentError


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


def read_text(path):
    """Read a UTF-8 text file, naming the file if it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ContentError(
            path, "the file is not UTF-8 text", line=line,
            hint="save the file with UTF-8 encoding in your editor",
        ) from None


def load_mapping(path):
    """Load a YAML file whose top level must be a mapping."""
    text = read_text(path)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.reader.ReaderError as error:
        raise ContentError(path, f"the file contains a character YAML does not allow "
                           f"({_character(error)!r})", line=_line_at(text, error),
                           hint="delete the invisible control character on this line") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = f"this is not valid YAML ({error.problem})"
        if error.context and error.context_mark and error.context_mark.line != mark.line:
            reason += f"; the problem may start on line {error.context_mark.line + 1}"
        raise ContentError(
            path, reason,
            line=mark.line + 1 if mark else None,
            hint="check the indentation and quote texts that contain a colon",
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        found = "empty" if data is None else type(data).__name__
        raise ContentError(
            path, f"expected a mapping of 'field: value' lines, found {found}",
            line=1, hint="start the file with fields such as 'kind: statement'",
        )
    return YamlDocument(path, data, root)


def _character(error):
    """libyaml reports the character as its code, the Python parser as the character."""
    return chr(error.character) if isinstance(error.character, int) else error.character


def _line_at(text, error):
    """libyaml counts the position in UTF-8 bytes, the Python parser in characters."""
    before = text.encode()[:error.position] if LIBYAML else text[:error.position].encode()
    return before.count(b"\n") + 1
