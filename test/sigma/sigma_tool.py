"""Sigma's reference tools, run offline for test/sigma/sigma.test.ts (in .venv-sigma/, see setup-venv.sh).

  python sigma_tool.py check DATA_DIR [sigma check options…] FILE…
      `sigma check` (sigma-cli + pySigma-validators-sigmahq) with the validators' data read from
      DATA_DIR instead of being downloaded (test/reference/sigma/validators/SOURCE.md).
  python sigma_tool.py convert FILE…
      pySigma's Elasticsearch Lucene backend: prints {file: {pipelines: [query, …]}} as JSON, once with
      `ecs_windows` and once with `windows-logsources` + `ecs_windows`.
"""
import json
import os
import sys


def check(data_dir: str, args: list[str]) -> None:
    from sigma.validators.sigmahq.data import data_filename, data_taxonomy, data_windows_eventid, data_windows_provider

    data_filename.set_url(os.path.join(data_dir, "sigmahq_filename.json"))
    data_taxonomy.set_url(os.path.join(data_dir, "sigmahq_taxonomy.json"))
    data_windows_eventid.set_url(os.path.join(data_dir, "sigmahq_windows_validator.json"))
    data_windows_provider.set_url(os.path.join(data_dir, "sigmahq_windows_validator.json"))
    from sigma.cli.main import main

    sys.argv = ["sigma", "check", *args]
    main()


def convert(files: list[str]) -> None:
    from sigma.backends.elasticsearch import LuceneBackend
    from sigma.collection import SigmaCollection
    from sigma.pipelines.elasticsearch.windows import ecs_windows
    from sigma.pipelines.windows import windows_logsource_pipeline

    setups = {
        "ecs_windows": lambda: ecs_windows(),
        "windows-logsources+ecs_windows": lambda: windows_logsource_pipeline() + ecs_windows(),
    }
    out = {}
    for file in files:
        with open(file, encoding="utf-8") as f:
            text = f.read()
        out[file] = {name: LuceneBackend(make()).convert(SigmaCollection.from_yaml(text)) for name, make in setups.items()}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "check":
        check(rest[0], rest[1:])
    elif command == "convert":
        convert(rest)
    else:
        sys.exit(f"unknown command {command!r}: use check or convert")
