"""The in-store return page (issue 19): store staff scan or type a return's code, see the return, and receive and
inspect it, under ``/store/<shop_id>``, behind the agents' own credentials (a shop's API key).

``links`` makes the signed address a return's QR code carries (``store_return_url``), usable outside a request.
"""
