"""The self-issued label: an A6 PDF the connector draws itself, for merchants without a carrier account
(``adapter.SelfIssuedCarrier``, registered by ``provider.PROVIDER``)."""
