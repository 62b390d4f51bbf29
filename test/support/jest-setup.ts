// Synth warnings are asserted through SynthWarnings.collect(); printing them would only
// clutter the test output.
process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';
