#!/usr/bin/python3
"""Checks an Onionbalance configuration with Onionbalance's own parser, offline: the file's structure, every
backend address (a valid v3 onion address) and the frontend key (it loads and gives the frontend's address).
Starts no tor and opens no connection. Usage: check-config.py CONFIG.yaml; prints the frontend address."""
import logging
import sys

from onionbalance.hs_v3 import onionbalance as ob_module
from onionbalance.hs_v3 import service as ob_service


def main(config_path):
    logging.getLogger("onionbalance").setLevel(logging.ERROR)
    balancer = ob_module.Onionbalance()
    balancer.config_path = config_path
    config = balancer.load_config_file()  # raises ConfigError on a bad file or address
    for service in config["services"]:
        # The key half of OnionbalanceService.__init__; the instance half needs a running tor's controller.
        unloaded = ob_service.OnionbalanceService.__new__(ob_service.OnionbalanceService)
        _, address = unloaded._load_service_keys(service, config_path)
        print(address)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check-config.py CONFIG.yaml")
    try:
        main(sys.argv[1])
    except Exception as failure:  # ConfigError, BadServiceInit, a missing key file: one line, non-zero exit
        sys.exit("onionbalance: error: %s" % failure)
