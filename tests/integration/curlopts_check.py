#!/usr/bin/python3
"""Compare jwtcred's table of curl options with the installed curl.

  curlopts_check.py probe CURL TABLE > PROBES
  curlopts_check.py compare TABLE HELP PROBES

TABLE is what tests/integration/curlopts_dump prints (NAME LETTER KIND
POLICY, LETTER "-" for none), HELP is `curl --help all`.  probe runs CURL
once per word (in the current directory, which should be an empty one):
--NAME and --no-NAME for every table entry, the shortest prefix that is
unique in the table, and -C for every printable letter; it records the
first "curl: option WORD: ..." line, or "ok".  compare prints one line per
disagreement and exits 1 when there is any, 0 when there is none.
"""
import re
import subprocess
import sys

# curl's answers, by the text of its error line (curl 7.88 tool_helpers.c)
ANSWERS = {
    "requires parameter": "requires",
    "used '--no-' for option that isn't a boolean": "notbool",
    "is unknown": "unknown",
    "is ambiguous": "ambiguous",
}
# a name curl does not know: compare reports it when a table holds it
SELFCHECK = "jwtcred-selfcheck"
# letters curl 7.88 reads that name no option: its parser takes the first
# entry whose code starts with the letter, so -* takes a value (the "*"
# group) and -$ does not (the "$" group), and neither does anything.
# jwtcred refuses both, as it refuses every letter its table lacks.
LETTERS_WITHOUT_OPTION = {"*", "$"}
HELP_LINE = re.compile(
    r"^ (?:-(\S), |    )--(\S+)(?: (<[^>]*>|\[protocol://\]host\[:port\]))? +\S")


def read_table(path):
    table = {}
    for n, line in enumerate(open(path), 1):
        fields = line.split()
        if len(fields) != 4 or fields[2] not in ("flag", "bool", "value"):
            sys.exit("%s:%d: not NAME LETTER KIND POLICY: %r" % (path, n, line))
        name, letter, kind, policy = fields
        if name in table:
            sys.exit("%s:%d: --%s twice" % (path, n, name))
        table[name] = (None if letter == "-" else letter, kind, policy)
    return table


def read_help(path):
    """(letter or None, name, argument or None) for every option line."""
    entries = []
    for line in open(path):
        m = HELP_LINE.match(line)
        if m:
            entries.append(m.groups())
        elif line.lstrip().startswith("-"):
            sys.exit("%s: cannot read this help line: %r" % (path, line))
    if len(entries) < 100:
        sys.exit("%s: only %d options: not curl --help all?" % (path, len(entries)))
    return entries


def unique_prefix(name, names):
    """The shortest prefix of name no other name starts with, if shorter than name."""
    for i in range(1, len(name)):
        p = name[:i]
        if not any(o != name and o.startswith(p) for o in names):
            return p
    return None


def letters():
    return [chr(c) for c in range(33, 127) if chr(c) != "-"]  # "--" ends curl's options


def words(table):
    names = sorted(set(table) | {SELFCHECK})
    out = []
    for name in names:
        out += ["--" + name, "--no-" + name]
        p = unique_prefix(name, table)
        if p:
            out.append("--" + p)
    return out + ["-" + c for c in letters()]


def probe(curl, table_path):
    for word in words(read_table(table_path)):
        r = subprocess.run([curl, "-q", word], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30)
        answer = "ok"
        head = "curl: option %s: " % word
        for line in r.stderr.decode("utf-8", "replace").splitlines():
            if line.startswith(head):
                text = line[len(head):]
                answer = ANSWERS.get(text, "other: " + text)
                break
        print("%s\t%s" % (word, answer))


def compare(table_path, help_path, probes_path):
    table = read_table(table_path)
    entries = read_help(help_path)
    probes = dict(line.rstrip("\n").split("\t", 1) for line in open(probes_path))
    problems = []
    say = problems.append

    # 1. every option of curl's help is in the table, with its letter and value-ness
    listed = set()
    for letter, shown, arg in entries:
        name = shown
        if shown.startswith("no-") and shown not in table and shown[3:] in table:
            name = shown[3:]  # --no-buffer and the like: the parser holds "buffer"
            if table[name][1] != "bool":
                say("--%s: curl lists it as the --no- form of --%s, which the table has as %s"
                    % (shown, name, table[name][1]))
        listed.add(name)
        if name not in table:
            say("--%s: in curl --help all, not in the table" % shown)
            continue
        t_letter, kind, _ = table[name]
        if t_letter != letter:
            say("--%s: curl's letter is %s, the table's %s"
                % (name, "-" + letter if letter else "none", "-" + t_letter if t_letter else "none"))
        if name == "help" and arg == "<category>":
            # "--help <category>" is shown with a value, but curl 7.88's parser
            # holds --help as on/off and only peeks at the next word
            if kind != "bool":
                say("--help: curl's parser holds it as on/off, the table as %s" % kind)
        elif (kind == "value") != (arg is not None):
            say("--%s: curl's help shows %s, the table has it as %s"
                % (name, "the value " + arg if arg else "no value", kind))

    # 2. no hidden alias is allowed
    for name, (_, _, policy) in table.items():
        if policy == "allow" and name not in listed:
            say("--%s: allowed, but curl --help all does not list it (a hidden alias)" % name)

    # 3. curl's parser agrees with every entry: known, value-ness, --no-
    def answer(word):
        if word not in probes:
            say("%s: not probed (the probes were made from another table)" % word)
        return probes.get(word)

    for name, (_, kind, _) in table.items():
        got = answer("--" + name)
        if got in ("unknown", "ambiguous"):
            say("--%s: curl does not know it (it says the option %s)"
                % (name, "is unknown" if got == "unknown" else "is ambiguous"))
        elif got is not None and (got == "requires") != (kind == "value"):
            say("--%s: curl %s a value, the table has it as %s"
                % (name, "requires" if got == "requires" else "does not take", kind))
        got = answer("--no-" + name)
        if got == "unknown":
            say("--no-%s: curl does not know it" % name)
        elif got is not None and (got == "notbool") != (kind != "bool"):
            say("--no-%s: curl %s it, the table has --%s as %s"
                % (name, "refuses" if got == "notbool" else "accepts", name, kind))
        p = unique_prefix(name, table)
        got = answer("--" + p) if p else None
        if got in ("unknown", "ambiguous"):
            say("--%s: only --%s starts so in the table, but curl says the option %s "
                "(curl has an option the table lacks)"
                % (p, name, "is unknown" if got == "unknown" else "is ambiguous"))
        elif got is not None and (got == "requires") != (kind == "value"):
            say("--%s: curl reads it as another option than --%s" % (p, name))

    # 4. every short letter: the table's take a value as in curl, and curl has no others
    by_letter = {t[0]: (name, t[1]) for name, t in table.items() if t[0]}
    for c in letters():
        got = answer("-" + c)
        if got is None:
            continue
        if c in by_letter:
            name, kind = by_letter[c]
            if got in ("unknown", "ambiguous"):
                say("-%s: the table's letter for --%s, unknown to curl" % (c, name))
            elif (got == "requires") != (kind == "value"):
                say("-%s: curl %s a value, the table has --%s as %s"
                    % (c, "requires" if got == "requires" else "does not take", name, kind))
        elif got != "unknown" and c not in LETTERS_WITHOUT_OPTION:
            say("-%s: curl knows it (%s), the table has no such letter" % (c, got))

    for p in problems:
        print("mismatch: " + p)
    hidden = sorted(n for n in table if n not in listed)
    print("# %d options in the table, %d in curl's help, %d hidden aliases: %s"
          % (len(table), len(entries), len(hidden), " ".join(hidden)))
    return 1 if problems else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "probe":
        probe(argv[2], argv[3])
        return 0
    if len(argv) == 5 and argv[1] == "compare":
        return compare(argv[2], argv[3], argv[4])
    sys.exit(__doc__.strip())


if __name__ == "__main__":
    sys.exit(main(sys.argv))
