"""`make review`'s URL and `make setup`'s Chromium step (stack/system.py --browser)."""

from __future__ import annotations

import json
import os
import stat

from stack import system
from stack.commands import review_url
from stack.config import COMMITTED_SETTINGS, StackConfig


def config(tmp_path, key: str) -> StackConfig:
    return StackConfig(data_dir=tmp_path, host_port=7999, settings_files=COMMITTED_SETTINGS,
                       app_env={"DEVHOST_FUNCTION_KEY": key})


def test_the_review_url_carries_the_key_in_its_fragment(tmp_path):
    assert review_url(config(tmp_path, "a key/+")) == \
        "http://127.0.0.1:7999/api/review#key=a%20key%2F%2B"


def test_without_a_key_setting_the_url_has_the_key_the_host_generated(tmp_path):
    (tmp_path / "host-keys.json").write_text(json.dumps({"function": "generated"}))
    assert review_url(config(tmp_path, "")).endswith("#key=generated")


def test_a_given_chromium_needs_no_install(tmp_path, monkeypatch):
    binary = tmp_path / "chromium"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CHROMIUM", str(binary))
    assert system.chromium() == str(binary)
    assert system.browser_warnings() == []


def test_without_apt_setup_says_what_to_install(monkeypatch):
    monkeypatch.setenv("CHROMIUM", os.devnull + "-missing")
    monkeypatch.setattr(system.shutil, "which", lambda name: None)
    [warning] = system.browser_warnings()
    assert "apt-get install chromium" in warning and "not available" in warning
    assert system.main(["--browser"]) == system.main([])  # a warning never fails setup
