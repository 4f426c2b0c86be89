# -*- coding: utf-8 -*-

# Copyright: Contributors to the kms.xks project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How long the proxy takes to answer, judged as KMS would: KMS waits 250 ms for any call to the proxy
(CloudWatch XksProxyLatency counts a timeout as 250), and the XKS Proxy API spec recommends at most
35 ms of round trip between the AWS Region and the external key manager."""

import math

KMS_TIMEOUT_MS = 250
RECOMMENDED_MS = 35


def nearest_rank(ordered, percent):
    """The nearest-rank percentile of an ordered, non-empty list."""
    return ordered[max(0, math.ceil(percent / 100.0 * len(ordered)) - 1)]


def summarize(seconds):
    """samples, min, p50, p95 and max, in milliseconds, of the durations ``seconds`` (non-empty)."""
    ordered = sorted(round(value * 1000, 1) for value in seconds)
    return dict(samples=len(ordered), min=ordered[0], p50=nearest_rank(ordered, 50), p95=nearest_rank(ordered, 95), max=ordered[-1])


def judge(summary):
    """(finding, warning) for a summary: a finding when KMS would time out on the typical call (the median over 250 ms), a
    warning when some calls took over 250 ms or the median is slower than the spec's 35 ms; each a message or None.

    Each sample opens a new connection from this host, so one slow set-up on a busy controller is not taken for a slow
    proxy: an outlier warns, the median decides."""
    shown = "p50 %s ms, p95 %s ms, max %s ms over %d calls" % (summary["p50"], summary["p95"], summary["max"], summary["samples"])
    if summary["p50"] > KMS_TIMEOUT_MS:
        return "The proxy answers too slowly for KMS, which waits %d ms: %s." % (KMS_TIMEOUT_MS, shown), None
    if summary["max"] > KMS_TIMEOUT_MS:
        return None, "Some of the proxy's answers took longer than the %d ms KMS waits (%s); KMS would time out on those calls." % (KMS_TIMEOUT_MS, shown)
    if summary["p50"] > RECOMMENDED_MS:
        return None, "The proxy's typical answer takes longer than the %d ms round trip the XKS Proxy API spec recommends (%s, measured from " \
                     "this host, each call on a new TLS connection)." % (RECOMMENDED_MS, shown)
    return None, None
