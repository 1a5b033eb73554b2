"""`briefs verify`: check that what was sent is what the manifest lists, and that the
sources give exactly those bytes again."""

import shutil
import subprocess
import sys
from pathlib import Path

from briefs.content.inputs import discover
from briefs.content.releases import archive_folder, load_releases
from briefs.files import read_json
from briefs.publish.manifest import (changed_software, changed_sources, compare_outputs,
                                     find_output, sources_of)
from briefs.publish.entry import sha256
from briefs.settings import RECORDED, Settings
from briefs.publish.keys import fingerprint, read_certificate
from briefs.publish.signing import manifest_problem, pdf_problems

SIGNATURE = "manifest.json.p7s"  # the manifest's detached signature, beside it


def verify(project, manifest_path, files=(), certificate=None):
    """Print what differs and return the exit status: 0 when everything matches.
    certificate: the organisation's (a PEM file), which must have signed the released PDFs
    and the manifest."""
    manifest = read_json(manifest_path, hint="name the manifest of a build, e.g. "
                         "build/manifest.json")
    if files:
        return _look_up(manifest, files)
    folder = Path(manifest_path).parent
    problems = (_sent_files(manifest, folder) + _archived(project)
                + _signatures(manifest, folder, certificate))
    changed = changed_sources(project, manifest)
    for relative in changed:
        print(f"source changed since the build: {relative}")
    for name, then, here in changed_software(manifest):
        print(f"software differs from the build's, so outputs may too: {name} {here} here, "
              f"{then} in the build")
    compared = _rebuilt(project, manifest, folder)
    if compared is None:
        return 2
    unmade, unlisted, differing = compared
    for path in unmade:
        print(f"NOT MADE by the sources now, though the manifest lists it: {path}")
    for path in unlisted:
        print(f"MADE by the sources now, though the manifest does not list it: {path}")
    for path in differing:
        print(f"DIFFERS: {path}{_because(manifest, path, changed)}")
    total = len(manifest["outputs"])
    print(f"{total - len(differing) - len(unmade)} of {total} outputs rebuilt byte for byte.")
    return 1 if unmade or unlisted or differing or problems else 0


def _because(manifest, path, changed):
    """Which of an output's sources changed since the build, for its DIFFERS line."""
    behind = [source for source in sources_of(manifest, path) if source in changed]
    return f" (its sources changed: {', '.join(behind)})" if behind else ""


def _look_up(manifest, files):
    unknown = 0
    for path in files:
        entry = find_output(manifest, path) if Path(path).is_file() else None
        if entry:
            print(f"{path}: matches {entry['path']}")
        elif Path(path).is_file():
            print(f"{path}: NOT in the manifest: these are not the bytes we built")
        else:
            print(f"{path}: no such file")
        unknown += entry is None
    return 1 if unknown else 0


def _sent_files(manifest, folder):
    """Compare the files beside the manifest with its list; print and count what differs."""
    listed = {entry["path"]: entry for entry in manifest["outputs"]}
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*")
               if path.is_file() or path.is_symlink()} - {"manifest.json", SIGNATURE}
    problems = 0
    for name in sorted(listed):
        if name not in present:
            print(f"MISSING from {folder}: {name}")
        elif (folder / name).is_symlink() or sha256(folder / name) != listed[name]["sha256"]:
            print(f"CHANGED since the build: {name}")
        else:
            continue
        problems += 1
    for name in sorted(present - set(listed)):
        print(f"NOT LISTED in the manifest: {name}")
        problems += 1
    if not problems:
        print(f"All {len(listed)} files in {folder} are as the manifest lists them.")
    return problems


def _archived(project):
    """Compare each released version's archived files with the SHA-256 its record holds;
    print and count what differs."""
    problems = checked = 0
    for brief_id in discover(project):
        for release in load_releases(project, brief_id):
            folder = archive_folder(project, brief_id, release.version)
            for name, digest in sorted(release.outputs.items()):
                path, checked = folder / name, checked + 1
                shown = path.relative_to(project.root).as_posix()
                if not path.is_file() or path.is_symlink():
                    print(f"MISSING from the archive: {shown}, released as version "
                          f"{release.version} of {brief_id}")
                elif sha256(path) != digest:
                    print(f"CHANGED in the archive: {shown} is not what version "
                          f"{release.version} of {brief_id} was released as")
                else:
                    continue
                problems += 1
    if checked and not problems:
        print(f"All {checked} released files in content/releases are as released.")
    return problems


def _signatures(manifest, folder, certificate):
    """Check the signatures of the released PDFs beside the manifest, and the manifest's
    own (manifest.json.p7s), against the organisation's certificate, else the fingerprint
    the manifest records; print and count what is wrong."""
    expected = fingerprint(read_certificate(certificate, "--certificate")) if certificate \
        else manifest["settings"].get("signing_certificate")
    if not expected:
        return 0
    problems = []
    released = [entry["path"] for entry in manifest["outputs"] if _released_pdf(entry)]
    for name in released:
        path = folder / name
        if path.is_file():
            problems += [f"{name}: {problem}" for problem in
                         pdf_problems(path.read_bytes(), expected)]
    signature = folder / SIGNATURE
    manifest_path = folder / "manifest.json"
    if not signature.is_file():
        problems.append(f"manifest.json: its signature, {SIGNATURE}, is missing")
    else:
        problem = manifest_problem(manifest_path.read_bytes(), signature.read_bytes(), expected)
        problems += [f"manifest.json: {problem}"] if problem else []
    for problem in problems:
        print(f"SIGNATURE of {problem}")
    if not problems:
        anchor = "the certificate given" if certificate else \
            "the certificate whose fingerprint the manifest records (give --certificate to " \
            "check it is the organisation's)"
        print(f"The manifest and its {len(released)} released PDFs are signed, as they were "
              f"built, with {anchor}.")
    return len(problems)


def _released_pdf(entry):
    """Whether a manifest entry is the PDF of a released version (signed if a key was
    given)."""
    released = entry.get("released_at") or (entry.get("release") or {}).get("released_at")
    return entry["path"].endswith(".pdf") and bool(released)


def _rebuilt(project, manifest, sent):
    """Rebuild into the project's private cache and compare with the manifest's list
    (manifest.compare_outputs); None if the rebuild fails. Without the key, the rebuild
    takes each released PDF's signature from the one sent, where the PDF it makes is what
    was signed (briefs.publish.signing.reattach)."""
    folder = project.root / ".cache" / "verify"
    settings = Settings(**{field: value for field, value in manifest["settings"].items()
                           if field in RECORDED}, out=f"{folder}/build", cache=folder / "cache",
                        signed_pdfs=sent.resolve())
    shutil.rmtree(folder, ignore_errors=True)
    try:
        command = [sys.executable, "-m", "snakemake", "--cores", "all", "--quiet", "all",
                   "--snakefile", str(project.root / "Snakefile"), "--config",
                   *settings.config()]
        result = subprocess.run(command, cwd=project.root, capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout[-3000:] + result.stderr[-3000:], file=sys.stderr)
            print("error: the rebuild failed; nothing was compared", file=sys.stderr)
            return None
        return compare_outputs(manifest, folder / "build")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
