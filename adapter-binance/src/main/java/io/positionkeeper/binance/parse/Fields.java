package io.positionkeeper.binance.parse;

import java.util.List;

/**
 * The fields of one JSON object that any stream message uses, as literal text. One class for every
 * level (frame, {@code o}, {@code a}, {@code a.P[]}); single-letter names that differ only in case
 * get a {@code big} prefix.
 */
final class Fields {
  String e;
  String bigE;
  String bigT;
  String s;
  String c;
  String bigS;
  String o;
  String x;
  String bigX;
  String i;
  String q;
  String l;
  String z;
  String bigL;
  String ap;
  String t;
  String bigR;
  String cp;
  String rp;
  String ps;
  String caid;
  String aid;
  String ai;
  String aq;
  String tp;
  String rm;
  String pa;
  String ep;
  String p;
  String m;
  String stream;
  String id;
  String error;
  boolean result;
  boolean aPresent;
  Fields nestedO;
  Fields a;
  Fields data;
  List<Fields> dataArray;
  List<Fields> rows;
}
