"""Match rounds as use cases: inputs for the engine, runs, reports, decisions and placements.

Dependencies run one way: `inputs` <- `allocation` <- `rounds` <- `placements` <- `decisions`;
`reports` only reads.
"""
