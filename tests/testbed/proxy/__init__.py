# -*- coding: utf-8 -*-
"""A local XKS proxy (XKS Proxy API spec v1.0.3): GetHealthStatus over HTTPS with SigV4, plus fault switches."""
