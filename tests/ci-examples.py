#!/usr/bin/env python3
"""The CI examples run in the form they document (docs/examples, .pre-commit-hooks.yaml).

- Each hook of .pre-commit-hooks.yaml is invoked as pre-commit invokes it: its `entry` (for
  `language: script`, a path in the hook repository, here the source tree), then its `args`, then
  the staged file names unless `pass_filenames: false`, from the root of a firewall repository
  holding the demo deployment.
- The GitHub Actions job's `run:` steps run one by one with bash (`shell: bash`) or sh, in order,
  in a workspace laid out as its `actions/checkout` steps lay it out (the pull request at the
  root, the base branch in `.flowgap-base`, flowgap's source in `.flowgap-src`, whose
  `build/flowgap` is the binary under test), with the job's `env` and GitHub's
  `GITHUB_STEP_SUMMARY`. The steps that install packages and build flowgap are the environment's
  (tests/deb-package.sh and the build itself cover them); every other `run:` step runs, and each
  `uses:` step's inputs that name files (upload-sarif's, upload-artifact's) must exist.
- The GitLab CI job's `script` lines run one by one with `sh -c`, in a clone checked out as GitLab
  checks out a merge request, with the job's `variables` and GitLab's own. `before_script`
  installs the Debian package and is left to tests/deb-package.sh; here FLOWGAP_GATE names the
  source's gate script instead of the package's copy (tests/check-installed.sh checks that copy).

Usage: ci-examples.py FLOWGAP_BINARY SOURCE_DIR
"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

flowgap, src = sys.argv[1], os.path.abspath(sys.argv[2])
env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(flowgap)) + os.pathsep + os.environ["PATH"],
           GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@localhost", GIT_COMMITTER_NAME="t",
           GIT_COMMITTER_EMAIL="t@localhost", GIT_CONFIG_NOSYSTEM="1", HOME=tempfile.gettempdir())
env.pop("NO_COLOR", None)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(cmd, cwd, extra=None, shell=False):
    e = dict(env, **(extra or {}))
    return subprocess.run(cmd, cwd=cwd, env=e, shell=shell, capture_output=True, text=True)


def git(cwd, *args):
    r = run(["git", "-c", "init.defaultBranch=main", *args], cwd)
    if r.returncode != 0:
        sys.exit("git %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def firewall_repo(path):
    """A firewall repository: the demo deployment at its root, committed on main."""
    shutil.copytree(os.path.join(src, "fixtures/demo"), path)
    git(path, "init", "-q")
    git(path, "add", ".")
    git(path, "commit", "-qm", "the demo")


def change(repo, candidate):
    shutil.copy(os.path.join(src, "fixtures/changes/iptables", candidate), os.path.join(repo, "core-router.rules"))


def hook_command(hook, files):
    entry = shlex.split(hook["entry"])
    if hook["language"] == "script":
        entry[0] = os.path.join(src, entry[0])
    return entry + list(hook.get("args", [])) + ([] if hook.get("pass_filenames") is False else files)


def pre_commit_hooks(tmp):
    with open(os.path.join(src, ".pre-commit-hooks.yaml")) as f:
        hooks = {h["id"]: h for h in yaml.safe_load(f)}
    check(set(hooks) == {"flowgap-audit", "flowgap-diff"}, "the hooks are flowgap-audit and flowgap-diff")
    repo = os.path.join(tmp, "precommit")
    firewall_repo(repo)

    r = run(hook_command(hooks["flowgap-audit"], ["core-router.rules"]), repo)
    check(r.returncode == 1, "flowgap-audit fails the commit of the demo, whose gate fails (exit %d)" % r.returncode)
    check(r.stdout.splitlines()[-1].startswith("gate (--fail-on high): FAIL"), "flowgap-audit ends with the gate line")

    change(repo, "core-router.no-clients.rules")
    git(repo, "add", "core-router.rules")  # staged, as pre-commit sees a commit being made
    r = run(hook_command(hooks["flowgap-diff"], ["core-router.rules"]), repo)
    check(r.returncode == 1, "flowgap-diff fails a commit that breaks the clients' flow (exit %d)" % r.returncode)
    check("broken   client-to-server" in r.stdout, "flowgap-diff names the broken flow")
    check(not os.path.exists(os.path.join(repo, "flowgap-reports")), "flowgap-diff leaves no reports in the repository")

    change(repo, "core-router.reordered.rules")
    git(repo, "add", "core-router.rules")
    r = run(hook_command(hooks["flowgap-diff"], ["core-router.rules"]), repo)
    check(r.returncode == 0, "flowgap-diff passes a harmless reordering (exit %d: %s)" % (r.returncode, r.stderr))


def gitlab_job(tmp, candidate):
    with open(os.path.join(src, "docs/examples/flowgap-gate.gitlab-ci.yml")) as f:
        job = yaml.safe_load(f)["flowgap-gate"]
    origin = os.path.join(tmp, "origin-" + candidate)
    firewall_repo(origin)
    work = os.path.join(tmp, "mr-" + candidate)
    git(tmp, "clone", "-q", origin, work)
    git(work, "checkout", "-q", "-b", "change")
    change(work, candidate)
    git(work, "commit", "-qam", "the change")
    git(work, "checkout", "-q", "--detach")  # GitLab checks out the merge request's head detached
    variables = {k: str(v) for k, v in job["variables"].items()}
    variables.update(FLOWGAP_GATE=os.path.join(src, "docs/examples/flowgap-gate.sh"),
                     CI_PIPELINE_SOURCE="merge_request_event", CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    rc, out = 0, ""
    for line in job["script"]:
        r = run(line, work, variables, shell=True)
        rc, out = r.returncode, r.stdout + r.stderr
        if rc != 0:
            break
    reports = [p for p in job["artifacts"]["paths"] + [job["artifacts"]["reports"]["junit"]]]
    return rc, out, [p for p in reports if not os.path.exists(os.path.join(work, p))]


def gitlab(tmp):
    rc, out, missing = gitlab_job(tmp, "core-router.no-clients.rules")
    check(rc == 1, "the GitLab job fails a merge request that breaks the clients' flow (exit %d)" % rc)
    check("broken   client-to-server" in out, "the GitLab job's log names the broken flow")
    check(not missing, "the GitLab job's artifacts exist (missing: %s)" % missing)
    rc, out, missing = gitlab_job(tmp, "core-router.reordered.rules")
    check(rc == 0, "the GitLab job passes a harmless reordering (exit %d: %s)" % (rc, out[-500:]))
    check(not missing, "the GitLab job's artifacts exist for a passing merge request too")


def github_job(tmp, candidate):
    with open(os.path.join(src, "docs/examples/flowgap-gate.yml")) as f:
        job = yaml.safe_load(f)["jobs"]["tanium-flows"]
    origin = os.path.join(tmp, "gh-origin-" + candidate)
    firewall_repo(origin)
    work = os.path.join(tmp, "gh-pr-" + candidate)
    git(tmp, "clone", "-q", origin, work)
    change(work, candidate)
    git(work, "commit", "-qam", "the pull request")
    git(tmp, "clone", "-q", origin, os.path.join(work, ".flowgap-base"))  # ref: the base branch
    tool = os.path.join(work, ".flowgap-src")  # repository: flowgap's source, built
    os.makedirs(os.path.join(tool, "build"))
    os.symlink(os.path.join(src, "docs"), os.path.join(tool, "docs"))
    os.symlink(os.path.abspath(flowgap), os.path.join(tool, "build", "flowgap"))
    summary = os.path.join(tmp, "summary-" + candidate)
    variables = {k: str(v) for k, v in job["env"].items()}
    variables.update(GITHUB_STEP_SUMMARY=summary, GITHUB_WORKSPACE=work)
    rc, out, uploads = 0, "", []
    for step in job["steps"]:
        if "uses" in step:
            if "checkout" not in step["uses"]:
                uploads += [v for k, v in step.get("with", {}).items() if k in ("sarif_file", "path")]
            continue
        if "apt-get" in step["run"] or "make -C .flowgap-src build" in step["run"]:
            continue  # the environment's: packages and the build (see the docstring)
        if rc != 0 and "always()" not in str(step.get("if", "")):
            continue
        shell = ["bash", "-e", "-c"] if step.get("shell") == "bash" else ["sh", "-e", "-c"]
        r = run(shell + [step["run"]], work, variables)
        out += r.stdout + r.stderr
        rc = rc or r.returncode
    missing = [p for p in uploads if not os.path.exists(os.path.join(work, p))]
    with open(summary) if os.path.exists(summary) else open(os.devnull) as f:
        return rc, out, missing, f.read()


def github(tmp):
    rc, out, missing, summary = github_job(tmp, "core-router.no-clients.rules")
    check(rc == 1, "the GitHub job fails a pull request that breaks the clients' flow (exit %d)" % rc)
    check("broken   client-to-server" in out, "the GitHub job's log names the broken flow")
    check(not missing, "the GitHub job uploads files that exist (missing: %s)" % missing)
    check("client-to-server" in summary, "the GitHub job's summary holds the Markdown diff")
    rc, out, missing, _ = github_job(tmp, "core-router.reordered.rules")
    check(rc == 0, "the GitHub job passes a harmless reordering (exit %d: %s)" % (rc, out[-500:]))
    check(not missing, "the GitHub job's uploads exist for a passing pull request too")


with tempfile.TemporaryDirectory() as tmp:
    pre_commit_hooks(tmp)
    gitlab(tmp)
    github(tmp)
sys.exit(1 if failures else 0)
