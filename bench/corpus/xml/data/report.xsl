<?xml version="1.0"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/catalog">
    <xsl:for-each select="book">
      <xsl:sort select="price" data-type="number" order="descending"/>
      <xsl:value-of select="concat(@id, ' ', title, ' ', price, '&#10;')"/>
    </xsl:for-each>
    <xsl:value-of select="concat('total ', sum(book/price), '&#10;')"/>
  </xsl:template>
</xsl:stylesheet>
