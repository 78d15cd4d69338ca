#!/usr/bin/env python3
"""Prints the Prometheus Operator AlertmanagerConfig equivalent to an Alertmanager configuration file.

    alertmanagerconfig.py alertmanager/alertmanager.yml NAME SECRET

Route tree, receivers and inhibit rules are carried over; keys the AlertmanagerConfig kind cannot hold
(the global section) are left to the Alertmanager itself. A `*_file` secret becomes a reference to key
<the file's base name> of Secret SECRET. Any other key stops the script, naming it, so that a change to
the source file is never dropped silently (called by generate.sh).
"""
import os
import re
import sys

import yaml

MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$')


def fail(where, message):
    sys.exit(f"alertmanagerconfig.py: {where}: {message}")


def matcher(text, where):
    m = MATCHER.match(text)
    if not m:
        fail(where, f"cannot read matcher {text!r}")
    name, op, value = m.groups()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace('\\\\', '\\')
    return {"name": name, "value": value, "matchType": op}


def only(obj, keys, where):
    for key in obj:
        if key not in keys:
            fail(f"{where}.{key}", "not supported by the AlertmanagerConfig generation; extend alertmanagerconfig.py")


def route(src, where):
    only(src, {"receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "matchers", "routes",
               "continue"}, where)
    out = {}
    for key, camel in (("receiver", "receiver"), ("group_by", "groupBy"), ("group_wait", "groupWait"),
                       ("group_interval", "groupInterval"), ("repeat_interval", "repeatInterval"),
                       ("continue", "continue")):
        if key in src:
            out[camel] = src[key]
    if "matchers" in src:
        out["matchers"] = [matcher(m, f"{where}.matchers") for m in src["matchers"]]
    if "routes" in src:
        out["routes"] = [route(r, f"{where}.routes[{i}]") for i, r in enumerate(src["routes"])]
    return out


def secret_ref(path, secret):
    return {"name": secret, "key": os.path.basename(path)}


def receiver(src, secret, where):
    only(src, {"name", "pagerduty_configs", "webhook_configs"}, where)
    out = {"name": src["name"]}
    if "pagerduty_configs" in src:
        out["pagerdutyConfigs"] = []
        for i, c in enumerate(src["pagerduty_configs"]):
            here = f"{where}.pagerduty_configs[{i}]"
            only(c, {"routing_key_file", "send_resolved", "description"}, here)
            if "routing_key_file" not in c:
                fail(here, "needs routing_key_file (a key written inline would be copied into the manifests)")
            config = {"routingKey": secret_ref(c["routing_key_file"], secret)}
            for key, camel in (("send_resolved", "sendResolved"), ("description", "description")):
                if key in c:
                    config[camel] = c[key]
            out["pagerdutyConfigs"].append(config)
    if "webhook_configs" in src:
        out["webhookConfigs"] = []
        for i, c in enumerate(src["webhook_configs"]):
            only(c, {"url", "send_resolved", "max_alerts"}, f"{where}.webhook_configs[{i}]")
            config = {"url": c["url"]}
            for key, camel in (("send_resolved", "sendResolved"), ("max_alerts", "maxAlerts")):
                if key in c:
                    config[camel] = c[key]
            out["webhookConfigs"].append(config)
    return out


def inhibit_rule(src, where):
    only(src, {"source_matchers", "target_matchers", "equal"}, where)
    out = {
        "sourceMatch": [matcher(m, f"{where}.source_matchers") for m in src.get("source_matchers", [])],
        "targetMatch": [matcher(m, f"{where}.target_matchers") for m in src.get("target_matchers", [])],
    }
    if "equal" in src:
        out["equal"] = src["equal"]
    return out


def main():
    source, name, secret = sys.argv[1:4]
    with open(source, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    # The global section (resolve_timeout, SMTP and API defaults) belongs to the Alertmanager itself.
    only(config, {"global", "route", "receivers", "inhibit_rules"}, "alertmanager.yml")
    spec = {
        "route": route(config["route"], "route"),
        "receivers": [receiver(r, secret, f"receivers[{i}]") for i, r in enumerate(config.get("receivers", []))],
        "inhibitRules": [inhibit_rule(r, f"inhibit_rules[{i}]") for i, r in enumerate(config.get("inhibit_rules", []))],
    }
    document = {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "cirrus-exporter"}},
        "spec": spec,
    }
    yaml.safe_dump(document, sys.stdout, sort_keys=False, default_flow_style=False, width=120)


main()
