"""Idiomatic Mesa 3 versions of the two benchmark models: one Agent object per state,
`agents.do("step")` then `agents.do("advance")` (synchronous update), a DataCollector
for the adopter share; Watts on a networkx Erdős–Rényi graph in a NetworkGrid.

    python mesa_peer.py bass|watts N STEPS SEED REP

Runs ONE replicate per process (Mesa 3.3 keeps finished models alive in memory) and
prints one JSON line: set-up and stepping seconds, steps run, the adopter share curve.
"""
import json
import sys
import time

import mesa
import networkx as nx

P, Q = 0.03, 0.38  # bass.toml
Z, PHI = 4.0, 0.18  # watts.toml


class BassAgent(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.adopted = False
        self.next_adopted = False

    def step(self):
        if not self.adopted and self.random.random() < P + Q * self.model.share:
            self.next_adopted = True

    def advance(self):
        self.adopted = self.next_adopted


class BassModel(mesa.Model):
    def __init__(self, n, seed):
        super().__init__(seed=seed)
        self.n = n
        self.share = 0.0
        BassAgent.create_agents(self, n)
        self.datacollector = mesa.DataCollector(model_reporters={"share": "share"})
        self.datacollector.collect(self)

    def step(self):
        self.agents.do("step")
        self.agents.do("advance")
        self.share = sum(1 for a in self.agents if a.adopted) / self.n
        self.datacollector.collect(self)


class WattsAgent(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.adopted = False
        self.next_adopted = False

    def step(self):
        if self.adopted:
            return
        nbrs = self.model.grid.get_neighbors(self.pos, include_center=False)
        if nbrs and sum(1 for a in nbrs if a.adopted) / len(nbrs) >= PHI:
            self.next_adopted = True

    def advance(self):
        self.adopted = self.next_adopted


class WattsModel(mesa.Model):
    def __init__(self, n, seed):
        super().__init__(seed=seed)
        self.n = n
        g = nx.fast_gnp_random_graph(n, Z / n, seed=seed)
        self.grid = mesa.space.NetworkGrid(g)
        agents = WattsAgent.create_agents(self, n)
        for node, a in zip(g.nodes(), agents):
            self.grid.place_agent(a, node)
        first = self.random.choice(list(self.agents))
        first.adopted = first.next_adopted = True
        self.share = 1 / n
        self.datacollector = mesa.DataCollector(model_reporters={"share": "share"})
        self.datacollector.collect(self)

    def step(self):
        before = self.share
        self.agents.do("step")
        self.agents.do("advance")
        self.share = sum(1 for a in self.agents if a.adopted) / self.n
        self.datacollector.collect(self)
        if self.share == before:
            self.running = False


def main():
    model, n, steps, seed, rep = sys.argv[1], *map(int, sys.argv[2:6])
    cls = {"bass": BassModel, "watts": WattsModel}[model]
    t0 = time.perf_counter()
    m = cls(n, seed * 100003 + rep)
    t1 = time.perf_counter()
    run = 0
    while m.running and run < steps:
        m.step()
        run += 1
    t2 = time.perf_counter()
    curve = list(m.datacollector.get_model_vars_dataframe()["share"])
    curve += [curve[-1]] * (steps + 1 - len(curve))
    print(json.dumps({"impl": "mesa", "model": model, "n": n, "rep": rep,
                      "setup_s": t1 - t0, "step_s": t2 - t1, "steps_run": run,
                      "curve": [round(float(x), 6) for x in curve]}), flush=True)


if __name__ == "__main__":
    main()
