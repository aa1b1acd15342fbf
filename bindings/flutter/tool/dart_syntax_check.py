"""Parses Dart files with tree-sitter-dart (PyPI) and reports syntax errors.

Only a *syntax* check, for machines without a Dart SDK (scripts/test-flutter-ffi): it does not
resolve names or check types — `flutter analyze` does that.

    python dart_syntax_check.py FILE.dart...
"""

import sys

import tree_sitter_dart
from tree_sitter import Language, Parser


def main() -> int:
    parser = Parser(Language(tree_sitter_dart.language()))
    errors = 0
    for path in sys.argv[1:]:
        source = open(path, "rb").read()
        lines = source.splitlines()
        stack = [parser.parse(source).root_node]
        while stack:
            node = stack.pop()
            if node.type == "ERROR" or node.is_missing:
                errors += 1
                line = node.start_point[0] + 1
                what = f"missing {node.type}" if node.is_missing else "syntax error"
                print(f"{path}:{line}: {what}: {lines[line - 1].decode().strip()[:100]}")
                continue
            stack.extend(node.children)
    print(f"dart-syntax: {len(sys.argv) - 1} files, {errors} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
