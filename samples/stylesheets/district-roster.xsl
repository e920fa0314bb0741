<?xml version="1.0" encoding="UTF-8"?>
<!-- district-roster.xsl — turns hhreg's canonical forms (the `xml` export) into a
     district roster: one <hu> per household, one <ren> per person, national codes
     (GB/T 2261.1 sex, GB/T 4761 relationship by relationship and sex, GB/T 4766
     marital status) and dates as YYYYMMDD. Give it to the xml export as its
     stylesheet option, with district-roster.xsd as its schema option. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:f="urn:hhreg:household:1" xmlns="urn:example:qingyang:roster:1"
                exclude-result-prefixes="f">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:template match="/f:households">
    <roster households="{count(f:household)}" persons="{count(f:household/f:person)}">
      <xsl:apply-templates select="f:household"/>
    </roster>
  </xsl:template>

  <xsl:template match="f:household">
    <hu id="{@id}" community="{f:address/f:community/@code}" building="{f:address/f:building}"
        unit="{f:address/f:unit}" room="{f:address/f:room}" size="{count(f:person)}"
        dibao="{number(f:lowIncome/@receives = 'true')}">
      <xsl:apply-templates select="f:person"/>
    </hu>
  </xsl:template>

  <xsl:template match="f:person">
    <ren line="{@line}" name="{f:name}" birth="{translate(f:birthDate, '-', '')}">
      <xsl:attribute name="sex">
        <xsl:choose>
          <xsl:when test="f:sex = 'male'">1</xsl:when>
          <xsl:otherwise>2</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:attribute name="relation">
        <xsl:variable name="r" select="f:relationship"/>
        <xsl:variable name="male" select="f:sex = 'male'"/>
        <xsl:choose>
          <xsl:when test="$r = 'head'">02</xsl:when>
          <xsl:when test="$r = 'spouse'">10</xsl:when>
          <xsl:when test="$r = 'child' and $male">20</xsl:when>
          <xsl:when test="$r = 'child'">30</xsl:when>
          <xsl:when test="$r = 'child-in-law' and $male">28</xsl:when>
          <xsl:when test="$r = 'child-in-law'">38</xsl:when>
          <xsl:when test="$r = 'grandchild'">40</xsl:when>
          <xsl:when test="$r = 'parent' and $male">51</xsl:when>
          <xsl:when test="$r = 'parent'">52</xsl:when>
          <xsl:when test="$r = 'parent-in-law'">59</xsl:when>
          <xsl:when test="$r = 'grandparent'">60</xsl:when>
          <xsl:when test="$r = 'sibling'">70</xsl:when>
          <xsl:when test="$r = 'other-relative'">97</xsl:when>
          <xsl:otherwise>99</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:attribute name="marital">
        <xsl:choose>
          <xsl:when test="f:maritalStatus = 'never-married'">10</xsl:when>
          <xsl:when test="f:maritalStatus = 'married'">20</xsl:when>
          <xsl:when test="f:maritalStatus = 'widowed'">30</xsl:when>
          <xsl:when test="f:maritalStatus = 'divorced'">40</xsl:when>
          <xsl:otherwise>90</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
    </ren>
  </xsl:template>
</xsl:stylesheet>
