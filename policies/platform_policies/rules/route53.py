"""Amazon Route 53: the edge's alias and certificate-validation records."""

from __future__ import annotations

import ipaddress

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.props import as_int, as_list, as_str, get, is_unknown
from ..support.report import report_problems

RECORD = "aws:route53/record:Record"

# ChangeResourceRecordSets (Route 53 API reference: ResourceRecordSet - AliasTarget and ResourceRecords/TTL
# are mutually exclusive, TTL 0-2147483647, Name up to 255; record types) and terraform-provider-aws
# internal/service/route53/record.go (ExactlyOneOf alias/records, RequiredWith ttl), read 2026-11.
TYPES = ("A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP",
         "SVCB", "TLSA", "TXT")


def _record_problems(p) -> list[str]:
    out = []
    kind, name = as_str(get(p, "type")), as_str(get(p, "name"))
    if isinstance(kind, str) and kind not in TYPES:
        out.append(f"type {kind!r} is not a Route 53 record type")
    if isinstance(name, str) and len(name) > 255:
        out.append(f"name is {len(name)} characters; Route 53 allows 255")
    alias = as_list(get(p, "aliases"))
    alias = alias if not is_unknown(alias) and alias else ([get(p, "alias")] if get(p, "alias") is not None else [])
    records = as_list(get(p, "records"))
    has_records = not is_unknown(records) and bool(records)
    ttl = as_int(get(p, "ttl"))
    if alias and (has_records or get(p, "ttl") is not None):
        out.append("an alias record takes no records or ttl")
    if not alias and not has_records and not is_unknown(records):
        out.append("a record needs records (with ttl) or an alias")
    if has_records and get(p, "ttl") is None:
        out.append("records need a ttl")
    if isinstance(ttl, int) and not 0 <= ttl <= 2147483647:
        out.append(f"ttl {ttl} is outside 0-2147483647")
    for a in alias:
        if get(a, "name") in (None, "") or get(a, "zoneId") in (None, ""):
            out.append("an alias needs name and zoneId")
        if get(a, "evaluateTargetHealth") is None:
            out.append("an alias needs evaluateTargetHealth")
    if kind in ("A", "AAAA") and has_records:
        for value in records:
            try:
                if isinstance(value, str) and ipaddress.ip_address(value).version != (4 if kind == "A" else 6):
                    out.append(f"{value} is not an IPv{4 if kind == 'A' else 6} address")
            except ValueError:
                out.append(f"{value!r} is not an IP address ({kind} record)")
    return out


@rule(name="route53-record-constraints", area=ACCEPTANCE, resource_types=(RECORD,),
      description="Records ChangeResourceRecordSets accepts: a known type, alias XOR records with ttl, alias "
                  "name/zone/evaluateTargetHealth, addresses of the record's IP version.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the record (components/edge).")
def validate_record_constraints(args, report_violation) -> None:
    if args.resource_type != RECORD:
        return
    report_problems(report_violation, _record_problems(args.props))


def _from_stack(record, prop: str) -> bool:
    return bool((getattr(record, "property_dependencies", None) or {}).get(prop))


@rule(name="route53-no-dangling-records", area=SECURITY, resource_types=(RECORD,), stack=True,
      description="A/AAAA/CNAME records point at resources of this stack (no dangling DNS).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Build the record's alias or value from the target resource's outputs.",
      anchors=("CKV2_AWS_23",))
def validate_no_dangling_records(args, report_violation) -> None:
    """A, AAAA and CNAME records point at something this stack creates (no dangling DNS a third party could
    claim): their alias or value comes from a resource of the stack."""
    for r in args.resources:
        if r.resource_type != RECORD or as_str(get(r.props, "type")) not in ("A", "AAAA", "CNAME"):
            continue
        has_alias = get(r.props, "alias") is not None or bool(as_list(get(r.props, "aliases")))
        sourced = _from_stack(r, "aliases" if get(r.props, "aliases") is not None else "alias") if has_alias \
            else _from_stack(r, "records")
        if not sourced and not is_unknown(get(r.props, "records")):
            report_violation(f"Record {as_str(get(r.props, 'name'), r.name)} points at a fixed value, not at a "
                             f"resource of this stack: it dangles once that target is gone.", r.urn)


# Records exist when a domain is configured; the hosted zone itself is the user's, not created here.
baseline(
    __name__,
    service="Amazon Route 53",
    resource_types=(RECORD,),
    not_applicable={
        "CKV2_AWS_38": "Judges DNSSEC of a hosted zone; the program creates no zone (edge.hostedZoneId is the "
                       "user's).",
        "CKV2_AWS_39": "Judges query logging of a hosted zone; the program creates no zone.",
        "CKV_AWS_377": "Judges the transfer lock of a registered domain; the program registers no domain.",
    },
)
