"""Fixtures for the seccomp integration tests: the notify agent."""
import json
import os
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


class Agent:
    def __init__(self, tmp_path, answer):
        self.socket = str(tmp_path / "agent.sock")
        self.log = tmp_path / "agent-states.jsonl"
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "agent.py"),
                                      self.socket, str(self.log), answer])
        for _ in range(200):
            if os.path.exists(self.socket):
                return
            time.sleep(0.01)
        self.stop()
        pytest.fail("the notify agent did not start")

    def states(self):
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # only the agent we started, by its pid
            self.proc.wait(timeout=10)


@pytest.fixture
def notify_agent(tmp_path):
    """Starts an agent answering mkdir as asked; agent = notify_agent("errno:122")."""
    agents = []

    def start(answer):
        a = Agent(tmp_path, answer)
        agents.append(a)
        return a

    yield start
    for a in agents:
        a.stop()
