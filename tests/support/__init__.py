"""Helpers shared by the test folders: processes, ports, a fault-injecting server."""

# A signing key as strong as a real shop demands (config._check_signing_key);
# made once with secrets.token_hex(32), public on purpose: tests only.
STRONG_KEY = "dd7366d1824ae90f461e67409007c30681d78fa3142220d118559892fd1fc5a7"
