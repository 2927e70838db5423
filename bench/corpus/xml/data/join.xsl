<?xml version="1.0"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:param name="reviews" select="document('reviews.xml')"/>
  <xsl:template match="/catalog">
    <xsl:for-each select="book">
      <xsl:variable name="id" select="@id"/>
      <xsl:value-of select="concat(@id, ' stars=', $reviews//review[@book=$id]/@stars, '&#10;')"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
