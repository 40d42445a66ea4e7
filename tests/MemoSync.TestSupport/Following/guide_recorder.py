"""Writes data/save_data.jsonl as the guide's Python assistant does, one command a line from standard input.

The guide's DialogueLogger appends each finished turn as one JSON line (synced false), and marks turns synced by
reading the whole file and writing it again. Commands, each answered with "ok" once done:

  append FIRST COUNT   append turns FIRST .. FIRST+COUNT-1, one write and flush each, as finalize_turn() does
  partial N            write the first half of turn N's line, without its newline
  finish N             write the rest of turn N's line
  garbage              append a line that is not JSON
  sync BELOW           rewrite the file in place with synced true on turns numbered below BELOW
  truncate             empty the file, as clearing the history does
  rotate N             rename the file to FILE.1, append turn N to the renamed file through the handle still
                       open, then start a new file at FILE
  quit
"""
import json
import os
import sys

path = sys.argv[1]


def line(n):
    turn = {
        "messages": [
            {"role": "user", "content": f"第{n}轮：你好"},
            {"role": "assistant", "content": f"turn {n}: 你好！"},
        ],
        "synced": False,
        "retry_count": 0,
        "timestamp": f"2024-12-04T10:{n // 60:02d}:{n % 60:02d}",
    }
    return json.dumps(turn, ensure_ascii=False) + "\n"


def number(record):
    return int(record["messages"][1]["content"].split(":")[0].split()[1])


for command in sys.stdin:
    words = command.split()
    if not words:
        continue
    if words[0] == "append":
        first, count = int(words[1]), int(words[2])
        for n in range(first, first + count):
            with open(path, "a", encoding="utf-8") as f:
                f.write(line(n))
                f.flush()
    elif words[0] == "partial":
        text = line(int(words[1])).encode("utf-8")
        with open(path, "ab") as f:
            f.write(text[: len(text) // 2])
    elif words[0] == "finish":
        text = line(int(words[1])).encode("utf-8")
        with open(path, "ab") as f:
            f.write(text[len(text) // 2 :])
    elif words[0] == "garbage":
        with open(path, "a", encoding="utf-8") as f:
            f.write("{not json\n")
    elif words[0] == "sync":
        below = int(words[1])
        with open(path, encoding="utf-8") as f:
            lines = [l for l in f if l.strip()]
        with open(path, "w", encoding="utf-8") as f:
            for text in lines:
                try:
                    record = json.loads(text)
                except ValueError:
                    f.write(text)  # a line it cannot read is kept as it is
                    continue
                if number(record) < below:
                    record["synced"] = True
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif words[0] == "truncate":
        open(path, "w").close()
    elif words[0] == "rotate":
        with open(path, "a", encoding="utf-8") as old:
            os.rename(path, path + ".1")
            old.write(line(int(words[1])))
            old.flush()
        open(path, "a").close()
    elif words[0] == "quit":
        break
    else:
        print(f"unknown command: {command.strip()}", file=sys.stderr)
        sys.exit(2)
    print("ok", flush=True)
